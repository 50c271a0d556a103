/** The command table: program basename → handler. Later tables win on a name clash. */
import { cd } from './cd';
import { FILE_COMMANDS } from './files';
import { find } from './find';
import { git } from './git';
import { INTERPRETERS } from './interpreters';
import { NETWORK } from './network';
import { PACKAGES } from './packages';
import type { Handler } from './types';
import { WRAPPERS } from './wrappers';

function build(): Map<string, Handler> {
  const map = new Map<string, Handler>();
  for (const table of [FILE_COMMANDS, NETWORK, PACKAGES, INTERPRETERS, WRAPPERS]) {
    for (const [names, handler] of table) for (const n of names) map.set(n, handler);
  }
  map.set('find', find);
  map.set('git', git);
  for (const n of ['cd', 'pushd', 'popd']) map.set(n, cd);
  return map;
}

// Built on first use, not at load: wrappers recurse into the walker, which reaches this table
// through dispatch, so building it at load made importing wrappers.ts on its own throw.
let table: Map<string, Handler> | undefined;
export const HANDLERS: Pick<ReadonlyMap<string, Handler>, 'get'> = { get: (name) => (table ??= build()).get(name) };
