/**
 * Staged diff text (as `git diff --cached` prints it) → per-file view rows for the review
 * panel: unified and side by side, line numbers, unchanged regions between hunks collapsed.
 * Pure: no vscode, no git; the `diff` package parses the hunks.
 */
import { parsePatch, type StructuredPatchHunk } from 'diff';
import type { DiffLine, GapRow, SplitRow, UnifiedRow } from '../webview/protocol/review';
import { maskSecrets } from './secrets';

export interface FileChunk {
  path: string;
  /** A from `new file mode`, D from `deleted file mode`, M otherwise. */
  status: string;
  binary: boolean;
  hunks: StructuredPatchHunk[];
}

/** Splits the whole staged diff at each `diff --git` header and parses every file on its own. */
export function parseStagedDiff(text: string): FileChunk[] {
  const chunks: string[][] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('diff --git ')) chunks.push([line]);
    else chunks[chunks.length - 1]?.push(line);
  }
  return chunks.map((lines) => parseChunk(lines.join('\n')));
}

function parseChunk(chunk: string): FileChunk {
  const head = chunk.split('\n', 8).join('\n');
  const status = /^new file mode/m.test(head) ? 'A' : /^deleted file mode/m.test(head) ? 'D' : 'M';
  const binary = /^GIT binary patch$/m.test(chunk) || /^Binary files .* differ$/m.test(chunk);
  const firstLine = chunk.split('\n', 1)[0];
  const [patch] = parsePatch(chunk);
  const name = (n: string | undefined): string | undefined => (n && n !== '/dev/null' ? n.replace(/^[ab]\//, '') : undefined);
  const path = name(patch?.newFileName) ?? name(patch?.oldFileName) ?? headerPath(firstLine);
  return { path, status, binary, hunks: binary ? [] : patch?.hunks ?? [] };
}

/** `diff --git a/x b/x` → `x` (only used when the patch has no ---/+++ lines). */
function headerPath(line: string): string {
  const m = /^diff --git a\/(.*) b\/(.*)$/.exec(line);
  return m ? m[2] : line.replace(/^diff --git /, '');
}

export interface FileRows {
  added: number;
  removed: number;
  unified: UnifiedRow[];
  split: SplitRow[];
  /** New-side line numbers of added lines that hold a secret, with the rules that found it. */
  secretLines: Array<{ line: number; rules: string[] }>;
}

/**
 * Rows for one file. `newContent` (the file as staged) fills the collapsed regions so the page
 * can expand them; without it the regions only carry their size.
 */
export function fileRows(hunks: readonly StructuredPatchHunk[], newContent?: readonly string[]): FileRows {
  const unified: UnifiedRow[] = [];
  const split: SplitRow[] = [];
  const secretLines: FileRows['secretLines'] = [];
  let added = 0;
  let removed = 0;
  let nextNew = 1;
  let delta = 0;
  const gap = (fromNew: number, toNew: number, oldMinusNew: number): void => {
    const count = toNew - fromNew;
    if (count <= 0) return;
    const row: GapRow = { kind: 'gap', count };
    if (newContent && toNew - 1 <= newContent.length) {
      row.lines = [];
      for (let n = fromNew; n < toNew; n++) row.lines.push({ newNo: n, oldNo: n + oldMinusNew, text: maskSecrets(newContent[n - 1] ?? '').text });
    }
    unified.push(row);
    split.push(row);
  };
  for (const h of hunks) {
    // jsdiff already moves an empty side's start past the line it names (`+0,0` → newStart 1).
    const firstNew = h.newStart;
    const firstOld = h.oldStart;
    delta = firstOld - firstNew;
    gap(nextNew, firstNew, delta);
    let oldNo = firstOld;
    let newNo = firstNew;
    const lines: DiffLine[] = [];
    for (const raw of h.lines) {
      const sign = raw.charAt(0);
      const body = raw.slice(1);
      if (sign === '\\') {
        const last = lines[lines.length - 1];
        if (last) last.noEol = true;
        continue;
      }
      const masked = maskSecrets(body);
      if (sign === '+') {
        added++;
        const line: DiffLine = { type: 'add', newNo: newNo, text: masked.text };
        if (masked.rules.length) {
          line.secrets = masked.rules;
          secretLines.push({ line: newNo, rules: masked.rules });
        }
        lines.push(line);
        newNo++;
      } else if (sign === '-') {
        removed++;
        lines.push({ type: 'del', oldNo: oldNo++, text: masked.text });
      } else {
        lines.push({ type: 'ctx', oldNo: oldNo++, newNo: newNo++, text: masked.text });
      }
    }
    for (const line of lines) unified.push({ kind: 'line', line });
    split.push(...pairLines(lines));
    nextNew = firstNew + h.newLines;
    delta = firstOld + h.oldLines - nextNew;
  }
  if (newContent && hunks.length > 0) gap(nextNew, newContent.length + 1, delta);
  return { added, removed, unified, split, secretLines };
}

/** Side by side: each run of deletions is paired with the run of additions that follows it. */
export function pairLines(lines: readonly DiffLine[]): SplitRow[] {
  const out: SplitRow[] = [];
  let i = 0;
  while (i < lines.length) {
    const l = lines[i];
    if (l.type === 'ctx') {
      out.push({ kind: 'pair', left: l, right: l });
      i++;
      continue;
    }
    const dels: DiffLine[] = [];
    const adds: DiffLine[] = [];
    while (i < lines.length && lines[i].type === 'del') dels.push(lines[i++]);
    while (i < lines.length && lines[i].type === 'add') adds.push(lines[i++]);
    for (let k = 0; k < Math.max(dels.length, adds.length); k++) out.push({ kind: 'pair', left: dels[k], right: adds[k] });
  }
  return out;
}

/** A staged file's text as lines, without the empty string after a final newline. */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
