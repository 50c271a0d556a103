/** The command table: program basename → handler. Later tables win on a name clash. */
import { cd } from './cd';
import { FILE_COMMANDS } from './files';
import { find } from './find';
import { git } from './git';
import { INTERPRETERS } from './interpreters';
import { NETWORK } from './network';
import { PACKAGES } from './packages';
import { TOOLS } from './tools';
import type { Handler } from './types';
import { WRAPPERS } from './wrappers';

/** Every command table by name, in the order they are merged (`docs/shell-tables.md` is generated from it). */
export const COMMAND_TABLES: ReadonlyArray<{ name: string; file: string; entries: ReadonlyArray<[string[], Handler]> }> = [
  { name: 'tools and builtins', file: 'commands/tools.ts', entries: TOOLS },
  { name: 'file commands', file: 'commands/files.ts', entries: FILE_COMMANDS },
  { name: 'network clients', file: 'commands/network.ts', entries: NETWORK },
  { name: 'package managers', file: 'commands/packages.ts', entries: PACKAGES },
  { name: 'shells and interpreters', file: 'commands/interpreters.ts', entries: INTERPRETERS },
  { name: 'wrappers', file: 'commands/wrappers.ts', entries: WRAPPERS },
  { name: 'find', file: 'commands/find.ts', entries: [[['find'], find]] },
  { name: 'git', file: 'commands/git.ts', entries: [[['git'], git]] },
  { name: 'directory changes', file: 'commands/cd.ts', entries: [[['cd', 'pushd', 'popd'], cd]] },
];

function build(): Map<string, Handler> {
  const map = new Map<string, Handler>();
  for (const table of COMMAND_TABLES) {
    for (const [names, handler] of table.entries) for (const n of names) map.set(n, handler);
  }
  return map;
}

// Built on first use, not at load: wrappers recurse into the walker, which reaches this table
// through dispatch, so building it at load made importing wrappers.ts on its own throw.
let table: Map<string, Handler> | undefined;
export const HANDLERS: Pick<ReadonlyMap<string, Handler>, 'get'> = { get: (name) => (table ??= build()).get(name) };
