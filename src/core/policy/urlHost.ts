/**
 * Host of a URL as the network would see it. WHATWG URL parsing handles userinfo
 * (`https://good.com@evil.com` → evil.com), IPv6, percent-encoding and IDNA the way
 * fetch clients do; scheme-less `host:port/path` is read as http.
 */
export function hostOfUrl(raw: string): { host: string; port?: number } | undefined {
  const text = raw.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return undefined;
  }
  let host = url.hostname.toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (!host) return undefined;
  return { host, port: url.port ? Number(url.port) : undefined };
}
