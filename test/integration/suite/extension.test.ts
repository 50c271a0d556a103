/** The real extension is installed in this VS Code, activates, and registers what it contributes. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { agentLane, EXTENSION_ID } from '../support/extension';

/** `contributes.commands[].command` from the manifest VS Code actually loaded. */
function contributedCommands(manifest: unknown): string[] {
  if (typeof manifest !== 'object' || manifest === null) return [];
  const contributes: unknown = Reflect.get(manifest, 'contributes');
  if (typeof contributes !== 'object' || contributes === null) return [];
  const commands: unknown = Reflect.get(contributes, 'commands');
  if (!Array.isArray(commands)) return [];
  return commands.flatMap((c: unknown) => {
    const id: unknown = typeof c === 'object' && c !== null ? Reflect.get(c, 'command') : undefined;
    return typeof id === 'string' ? [id] : [];
  });
}

suite('Agent Lane extension', () => {
  test('is installed and activates without error', async () => {
    const ext = agentLane();
    await ext.activate();
    assert.equal(ext.isActive, true, `${EXTENSION_ID} did not become active`);
  });

  test('registers every command its package.json contributes', async () => {
    const ext = agentLane();
    await ext.activate();
    const contributed = contributedCommands(ext.packageJSON);
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });
});
