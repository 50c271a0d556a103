/**
 * Redirections: `<` reads, `>` `>>` `&>` `>|` write, `<>` both; fd duplications (`2>&1`) and the
 * harmless device files do nothing; `/dev/tcp/HOST/PORT` is a network connection.
 */
import type { Node } from 'web-tree-sitter';
import type { Emitter } from './emit';
import { walk } from './walk';
import { evalWord } from './words';

export interface RedirectEffect {
  /** Emits the file/net actions; deferred so they follow the command's own `shell.exec`. */
  emit(out: Emitter): void;
  writes: boolean;
  /** Set when the redirect feeds the command's standard input. */
  stdin?: 'file' | 'herestring';
}

const HARMLESS = new Set(['/dev/null', '/dev/stdout', '/dev/stderr', '/dev/stdin', '/dev/tty', '/dev/zero', '/dev/random', '/dev/urandom']); // fd-like targets
const NONE: RedirectEffect = { emit: () => undefined, writes: false };

export function redirectTarget(r: Node, out: Emitter): RedirectEffect {
  const visit = (s: Node) => walk(s, out, { kind: 'tty', upstream: [] });
  if (r.type === 'herestring_redirect') {
    for (const c of r.namedChildren) if (c) evalWord(c, visit, out);
    return { ...NONE, stdin: 'herestring' };
  }
  const op = r.children.find((c) => c !== null && !c.isNamed)?.text ?? '>';
  const dest = r.childForFieldName('destination') ?? r.namedChildren.filter((c) => c?.type !== 'file_descriptor').pop() ?? null;
  if (!dest) return NONE;
  const arg = evalWord(dest, visit, out);
  if (arg.procSub) return NONE; // its inner command was analysed by the visitor
  if ((op === '>&' || op === '<&' || op === '>&-' || op === '<&-') && /^(\d+-?|-)$/.test(arg.value)) return NONE;
  if (HARMLESS.has(arg.value) || /^\/dev\/fd\/\d+$/.test(arg.value)) return NONE;
  // `/dev/tcp/HOST/PORT`, where PORT may be a service name (`http`) and HOST an expansion
  const sock = /^\/dev\/(tcp|udp)\/([^/]+)\/([^/]+)$/.exec(arg.value);
  if (sock) {
    const host = arg.dynamic && /[$`]/.test(sock[2]) ? `(${sock[2]})` : sock[2].toLowerCase().replace(/^\[|\]$/g, '');
    const port = /^\d+$/.test(sock[3]) ? Number(sock[3]) : undefined;
    return { emit: (o) => o.net(port === undefined ? { host } : { host, port }, r.text), writes: false };
  }
  const via = r.text;
  if (op === '<') return { emit: (o) => o.read(arg, via), writes: false, stdin: 'file' };
  if (op === '<>') return { emit: (o) => { o.read(arg, via); o.write(arg, via); }, writes: true };
  return { emit: (o) => o.write(arg, via), writes: true };
}
