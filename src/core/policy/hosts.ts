/**
 * Host patterns from `network.allow` / `network.deny`.
 * `example.com` matches exactly that host; `*.example.com` matches any subdomain (not the
 * apex, the usual wildcard-certificate reading); `*` matches every host; an optional `:port`
 * restricts the port. Comparison is case-insensitive and ignores one trailing dot.
 */
export function normaliseHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.endsWith('.')) h = h.slice(0, -1);
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  return h;
}

export function compileHostPattern(pattern: string): (host: string, port?: number) => boolean {
  let p = pattern.trim().toLowerCase();
  let port: number | undefined;
  const portMatch = /^(.*[^:]):(\d{1,5})$/.exec(p);
  if (portMatch && !p.startsWith('[') ? true : /^\[.*\]:\d+$/.test(p)) {
    const idx = p.lastIndexOf(':');
    port = Number(p.slice(idx + 1));
    p = p.slice(0, idx);
  }
  p = normaliseHost(p);
  const portOk = (actual?: number): boolean => port === undefined || actual === port;
  if (p === '*') return (_h, actualPort) => portOk(actualPort);
  if (p.startsWith('*.')) {
    const suffix = p.slice(1); // `.example.com`
    return (host, actualPort) => {
      const h = normaliseHost(host);
      return h.length > suffix.length && h.endsWith(suffix) && portOk(actualPort);
    };
  }
  return (host, actualPort) => normaliseHost(host) === p && portOk(actualPort);
}
