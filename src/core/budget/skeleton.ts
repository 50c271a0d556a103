/**
 * Cut the bulky `content` out of an assistant line before decoding it.
 *
 * Decoding and JSON-parsing whole assistant lines costs more than finding them: thinking,
 * text and tool inputs (a `Write` carries the whole file) are most of their bytes, and the
 * meter needs none of it. We locate the first `"content":` KEY, skip its value structurally
 * (strings are jumped over with a memchr-speed search for the closing quote) and decode the
 * line with `null` in its place.
 *
 * Why a raw `"content":` preceded by `{` or `,` is a key: inside a JSON string every `"` is
 * escaped, so such a byte sequence cannot sit in a string; an unescaped `"` after `{`/`,`
 * opens a key. If the first such key is not `message.content` (a future layout), we only cut
 * something else and the result is still the same JSON minus one value: correct, just slower.
 * Any surprise (unbalanced value, truncated line) returns undefined and the caller decodes the
 * whole line, so corrupt input takes the slow, exact path.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const CONTENT_KEY = Buffer.from('"content":');

/** Index just past the string that opens at `open` (a quote), or -1 if it never closes. */
function skipString(line: Buffer, open: number): number {
  let i = open + 1;
  for (;;) {
    const close = line.indexOf(QUOTE, i);
    if (close < 0) return -1;
    let slashes = 0;
    for (let j = close - 1; j > open && line[j] === BACKSLASH; j--) slashes++;
    if (slashes % 2 === 0) return close + 1;
    i = close + 1;
  }
}

/** Index just past the JSON value starting at `start`, or -1 if it does not end in `line`. */
function skipValue(line: Buffer, start: number): number {
  let i = start;
  while (i < line.length && line[i] <= 0x20) i++;
  if (i >= line.length) return -1;
  const first = line[i];
  if (first === QUOTE) return skipString(line, i);
  if (first !== OPEN_BRACKET && first !== OPEN_BRACE) {
    // A scalar: runs to the next `,` `}` or `]`.
    while (i < line.length && line[i] !== COMMA && line[i] !== CLOSE_BRACE && line[i] !== CLOSE_BRACKET) i++;
    return i < line.length ? i : -1;
  }
  let depth = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === QUOTE) {
      i = skipString(line, i);
      if (i < 0) return -1;
      continue;
    }
    if (c === OPEN_BRACKET || c === OPEN_BRACE) depth++;
    else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return -1;
}

/**
 * The line decoded as text with its first `content` value replaced by `null`; undefined when
 * there is no such key or the value cannot be skipped safely (the caller decodes in full).
 */
export function decodeWithoutContent(line: Buffer): string | undefined {
  let from = 0;
  for (;;) {
    const key = line.indexOf(CONTENT_KEY, from);
    if (key <= 0) return undefined;
    const before = line[key - 1];
    if (before !== OPEN_BRACE && before !== COMMA) {
      from = key + 1;
      continue;
    }
    const valueStart = key + CONTENT_KEY.length;
    const valueEnd = skipValue(line, valueStart);
    if (valueEnd < 0) return undefined;
    return line.toString('utf8', 0, valueStart) + 'null' + line.toString('utf8', valueEnd);
  }
}

