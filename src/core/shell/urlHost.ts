/**
 * Where a URL-ish argument really connects to. Written for adversarial input: the userinfo
 * trick (`http://good.com@evil.com`), suffix tricks, IP literals in any spelling, trailing dots.
 * Hosts are lowercased and returned as written otherwise (`2130706433` stays as-is: the policy
 * allow-list names hosts, so an unusual spelling simply fails to match and is denied).
 */

export interface HostPort {
  host: string;
  port?: number;
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//;

/** Host of `scheme://[user@]host[:port]/…`, or of a scheme-less `host[:port][/…]`. */
export function urlHost(input: string): HostPort | null {
  const text = input.trim();
  if (text === '') return null;
  const scheme = SCHEME.exec(text);
  let rest = scheme ? text.slice(scheme[0].length) : text.replace(/^\/\//, '');
  if (scheme && scheme[1].toLowerCase() === 'file') return null;
  // authority ends at the first path, query or fragment delimiter; WHATWG also treats `\` as `/`
  const end = rest.search(/[/?#\\]/);
  const authority = end === -1 ? rest : rest.slice(0, end);
  rest = authority;
  const at = rest.lastIndexOf('@');
  if (at !== -1) rest = rest.slice(at + 1);
  return hostPort(rest);
}

/**
 * Every host that some client may take `input` to mean. Clients split the authority
 * differently: WHATWG (browsers, Node) ends it at `\`, curl, wget and git do not, and some
 * parsers let `?`/`#` inside userinfo (`http://allowed\@evil/`, `http://allowed#@evil/`). A URL
 * whose readings disagree yields all of them, so each must be allowed.
 */
export function urlHosts(input: string): HostPort[] {
  const text = input.trim();
  if (text === '') return [];
  const scheme = SCHEME.exec(text);
  if (scheme && scheme[1].toLowerCase() === 'file') return [];
  const rest = scheme ? text.slice(scheme[0].length) : text.replace(/^\/\//, '');
  const out: HostPort[] = [];
  for (const ends of [/[/?#\\]/, /[/?#]/, /[/]/]) {
    const end = rest.search(ends);
    let authority = end === -1 ? rest : rest.slice(0, end);
    const at = authority.lastIndexOf('@');
    if (at !== -1) authority = authority.slice(at + 1);
    const hp = hostPort(authority);
    if (hp && !out.some((o) => o.host === hp.host && o.port === hp.port)) out.push(hp);
  }
  // characters no client accepts in a host name: the destination cannot be known
  for (const hp of out) if (/[\\\s<>^`{|}"]/.test(hp.host)) hp.host = `(unparseable host in \`${text.slice(0, 60)}\`)`;
  return out;
}

/** `host`, `host:port`, `[v6]:port`, `v6` without brackets (several colons, no port). */
export function hostPort(authority: string): HostPort | null {
  let host: string;
  let portText: string | undefined;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close === -1) return null;
    host = authority.slice(1, close);
    const after = authority.slice(close + 1);
    if (after.startsWith(':')) portText = after.slice(1);
  } else if ((authority.match(/:/g) ?? []).length > 1) {
    host = authority; // bare IPv6 literal
  } else {
    const colon = authority.indexOf(':');
    host = colon === -1 ? authority : authority.slice(0, colon);
    if (colon !== -1) portText = authority.slice(colon + 1);
  }
  host = normaliseHost(host);
  if (host === '') return null;
  const result: HostPort = { host };
  if (portText !== undefined && /^\d+$/.test(portText)) result.port = Number(portText);
  return result;
}

function normaliseHost(raw: string): string {
  let host = raw;
  try {
    if (host.includes('%')) host = decodeURIComponent(host);
  } catch {
    // keep the raw spelling: it will not match any allow-listed host
  }
  return host.toLowerCase().replace(/\.+$/, '');
}

/** `user@host:path` (scp/rsync/git ssh form) → host; null when the word is a local path. */
export function scpHost(word: string): HostPort | null {
  if (SCHEME.test(word)) return urlHost(word);
  const colon = word.indexOf(':');
  if (colon <= 0) return null;
  const before = word.slice(0, colon);
  if (before.includes('/')) return null; // `./a:b` is a local file
  const at = before.lastIndexOf('@');
  const host = normaliseHost(at === -1 ? before : before.slice(at + 1));
  return host === '' ? null : { host };
}

/** True when a word looks like a URL or a host name rather than a local path or a flag. */
export function looksLikeRemote(word: string): boolean {
  return SCHEME.test(word) || /^[^/\s]+\.[^/\s]+(:\d+)?(\/|$)/.test(word);
}
