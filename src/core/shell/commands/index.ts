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

function build(): Map<string, Handler> {
  const map = new Map<string, Handler>();
  for (const table of [TOOLS, FILE_COMMANDS, NETWORK, PACKAGES, INTERPRETERS, WRAPPERS]) {
    for (const [names, handler] of table) for (const n of names) map.set(n, handler);
  }
  map.set('find', find);
  map.set('git', git);
  for (const n of ['cd', 'pushd', 'popd']) map.set(n, cd);
  return map;
}

export const HANDLERS: ReadonlyMap<string, Handler> = build();
