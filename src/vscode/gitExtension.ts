/**
 * The little we need from the built-in git extension (`vscode.git`, API v1): to know when it has
 * registered its file decoration providers (at start-up, and one per repository as it opens),
 * so ours can be registered after them (see decorations.ts). Another extension's object is
 * outside input: it is checked here, and a git extension that is missing, disabled or
 * different simply never calls back.
 */
import * as vscode from 'vscode';
import { z } from 'zod';
import { DisposableStore } from './lifecycle';

type Listen = (listener: (e: unknown) => unknown) => vscode.Disposable;
const event = z.custom<Listen>((v) => typeof v === 'function');
const GitApi = z.object({ state: z.string(), onDidChangeState: event, onDidOpenRepository: event });
const GitExports = z.object({ getAPI: z.custom<(version: 1) => unknown>((v) => typeof v === 'function') });

function gitApi(exports: unknown): z.infer<typeof GitApi> | undefined {
  if (!GitExports.safeParse(exports).success) return undefined;
  try {
    // Called on the extension's own object: zod's parsed copy would lose `this`.
    const api = GitApi.safeParse((exports as z.infer<typeof GitExports>).getAPI(1));
    return api.success ? api.data : undefined;
  } catch {
    // `git.enabled: false`: no API, and no git decorations to outrank either.
    return undefined;
  }
}

/** Calls `listener` whenever the git extension may have registered new decoration providers. */
export function onGitProvidersRegistered(listener: () => void): vscode.Disposable {
  const store = new DisposableStore();
  const ext = vscode.extensions.getExtension('vscode.git');
  if (!ext) return store;
  const hook = (exports: unknown): void => {
    const api = gitApi(exports);
    if (!api) return;
    store.add(api.onDidChangeState((s) => { if (s === 'initialized') listener(); }));
    store.add(api.onDidOpenRepository(() => listener()));
    if (api.state === 'initialized') listener();
  };
  if (ext.isActive) hook(ext.exports);
  else ext.activate().then(hook, () => undefined);
  return store;
}
