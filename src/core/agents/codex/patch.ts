/**
 * The files a Codex `apply_patch` touches. Every file the patch adds, updates, deletes or moves
 * (both ends of a move) is a write of that path. A patch we cannot read completely is not
 * "nothing to check": parsing fails and the call is denied with the reason.
 *
 * Grammar (codex-rs apply-patch): `*** Begin Patch`, then hunks headed by `*** Add File: p`,
 * `*** Delete File: p`, `*** Update File: p` (optionally followed by `*** Move to: p`), closed by
 * `*** End Patch`. Codex is lenient about surrounding whitespace and a heredoc wrapper, so we are
 * too — but any other `***` header line is refused rather than skipped.
 */
export type PatchOp = 'add' | 'update' | 'delete' | 'move';

export interface PatchFile {
  op: PatchOp;
  path: string;
}

export type PatchParse = { ok: true; files: PatchFile[] } | { ok: false; error: string };

const HEADERS: Array<[RegExp, PatchOp]> = [
  [/^\*\*\* Add File: (.+)$/, 'add'],
  [/^\*\*\* Update File: (.+)$/, 'update'],
  [/^\*\*\* Delete File: (.+)$/, 'delete'],
  [/^\*\*\* Move to: (.+)$/, 'move'],
];
/** `***` lines that carry no path. */
const BENIGN = new Set(['*** End of File']);

export function looksLikePatch(text: string): boolean {
  return text.includes('*** Begin Patch');
}

export function parsePatchFiles(text: string): PatchParse {
  const lines = text.split(/\r?\n/);
  const begins = lines.reduce((n, l) => n + (l.trim() === '*** Begin Patch' ? 1 : 0), 0);
  if (begins === 0) return { ok: false, error: 'no `*** Begin Patch` line' };
  if (begins > 1) return { ok: false, error: 'more than one `*** Begin Patch`: send one patch per call' };
  const start = lines.findIndex((l) => l.trim() === '*** Begin Patch');
  const end = lines.findIndex((l, i) => i > start && l.trim() === '*** End Patch');
  if (end === -1) return { ok: false, error: 'no `*** End Patch` line' };
  const files: PatchFile[] = [];
  let lastUpdate = false;
  for (const raw of lines.slice(start + 1, end)) {
    const line = raw.trim();
    if (!line.startsWith('***')) continue;
    if (BENIGN.has(line)) continue;
    const hit = HEADERS.map(([re, op]) => ({ m: re.exec(line), op })).find((h) => h.m);
    if (!hit || !hit.m) return { ok: false, error: `unknown patch header \`${line.slice(0, 80)}\`` };
    const p = hit.m[1].trim();
    if (!p) return { ok: false, error: `empty path in \`${line}\`` };
    if (hit.op === 'move' && !lastUpdate) return { ok: false, error: '`*** Move to:` without an `*** Update File:` before it' };
    lastUpdate = hit.op === 'update';
    files.push({ op: hit.op, path: p });
  }
  if (files.length === 0) return { ok: false, error: 'the patch names no file' };
  return { ok: true, files };
}
