/**
 * The value of one top-level string key of a JSON object, without parsing the whole body:
 * requests are 100 KB and more (system prompt, tools, the whole history) and the gateway needs
 * only `model` before forwarding. Strings are skipped with a byte search for the closing quote
 * (escapes counted), so the cost is a scan, not an object tree.
 *
 * Fails closed: a body that is not an object, a key given twice (parsers disagree on which one
 * wins — the upstream must not see a different model than the one we checked), a value that is
 * not a string, or anything malformed gives a reason instead of a value.
 */
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** Index just past the string that starts at `start` (a quote), or -1 when it never closes. */
function skipString(buf: Buffer, start: number): number {
  let i = start + 1;
  for (;;) {
    const q = buf.indexOf(QUOTE, i);
    if (q < 0) return -1;
    let slashes = 0;
    for (let j = q - 1; j > start && buf[j] === BACKSLASH; j--) slashes++;
    if (slashes % 2 === 0) return q + 1;
    i = q + 1;
  }
}

const isSpace = (b: number | undefined): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

export type TopLevelValue = { ok: true; value: string | undefined } | { ok: false; reason: string };

export function topLevelString(buf: Buffer, key: string): TopLevelValue {
  let i = 0;
  while (isSpace(buf[i])) i++;
  if (buf[i] !== OPEN_OBJ) return { ok: false, reason: 'the request body is not a JSON object' };
  let depth = 0;
  let expectKey = false;
  let found: string | undefined;
  let count = 0;
  for (; i < buf.length; i++) {
    const b = buf[i];
    if (b === QUOTE) {
      const end = skipString(buf, i);
      if (end < 0) return { ok: false, reason: 'the request body is not JSON (unterminated string)' };
      if (depth === 1 && expectKey) {
        expectKey = false;
        let k: unknown;
        try {
          k = JSON.parse(buf.toString('utf8', i, end));
        } catch {
          return { ok: false, reason: 'the request body is not JSON (bad key)' };
        }
        if (k === key) {
          count++;
          let v = end;
          while (isSpace(buf[v])) v++;
          if (buf[v] !== COLON) return { ok: false, reason: 'the request body is not JSON (no colon)' };
          v++;
          while (isSpace(buf[v])) v++;
          if (buf[v] !== QUOTE) return { ok: false, reason: `\`${key}\` is not a string` };
          const vEnd = skipString(buf, v);
          if (vEnd < 0) return { ok: false, reason: 'the request body is not JSON (unterminated string)' };
          try {
            found = JSON.parse(buf.toString('utf8', v, vEnd)) as string;
          } catch {
            return { ok: false, reason: `\`${key}\` is not a valid JSON string` };
          }
          i = vEnd - 1;
          continue;
        }
      }
      i = end - 1;
    } else if (b === OPEN_OBJ || b === OPEN_ARR) {
      depth++;
      if (depth === 1) expectKey = true;
    } else if (b === CLOSE_OBJ || b === CLOSE_ARR) {
      depth--;
      if (depth === 0) {
        let rest = i + 1;
        while (isSpace(buf[rest])) rest++;
        if (rest !== buf.length) return { ok: false, reason: 'the request body has bytes after its JSON object' };
        break;
      }
    } else if (b === COMMA && depth === 1) {
      expectKey = true;
    }
  }
  if (depth !== 0) return { ok: false, reason: 'the request body is not JSON (unbalanced)' };
  if (count > 1) return { ok: false, reason: `the request names \`${key}\` ${count} times` };
  return { ok: true, value: found };
}
