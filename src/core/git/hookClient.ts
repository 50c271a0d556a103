/**
 * The git hook's side of the hook channel. node:http rather than fetch: fetch's default
 * headers timeout (300 s) would cut short a supervisor who takes longer to review a diff.
 */
import * as http from 'node:http';

export type HookCallFailure = 'unreachable' | 'timeout' | 'rejected' | 'bad-response';

export type HookCallResult =
  | { ok: true; status: number; body: unknown }
  | { ok: false; failure: HookCallFailure; message: string };

export function postHook(baseUrl: string, route: string, token: string, body: unknown, timeoutMs: number): Promise<HookCallResult> {
  let url: URL;
  try {
    url = new URL(route, baseUrl);
  } catch {
    return Promise.resolve({ ok: false, failure: 'unreachable', message: `\`${baseUrl}\` is not a URL` });
  }
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: HookCallResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = http.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': payload.length, authorization: `Bearer ${token}` },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => done({ ok: false, failure: 'unreachable', message: err.message }));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          return done({ ok: false, failure: 'bad-response', message: `HTTP ${res.statusCode ?? 0} with a body that is not JSON` });
        }
        if (res.statusCode === 401) return done({ ok: false, failure: 'rejected', message: 'the session refused the hook token' });
        done({ ok: true, status: res.statusCode ?? 0, body: parsed });
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      done({ ok: false, failure: 'timeout', message: `no answer within ${Math.round(timeoutMs / 1000)} s` });
    }, timeoutMs);
    req.on('error', (err) => done({ ok: false, failure: 'unreachable', message: err.message }));
    req.end(payload);
  });
}
