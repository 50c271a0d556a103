/** Draws one file's rows as a table: unified or side by side, gaps expandable when the host sent their lines. */
import type { DiffLine, FileView, GapRow, SplitRow, UnifiedRow } from '../../src/vscode/webview/protocol/review';
import { h } from '../common/dom';

export type DiffView = 'unified' | 'split';

export interface TableOptions {
  view: DiffView;
  /** `gapIndex` → expanded. */
  isExpanded: (gapIndex: number) => boolean;
  toggleGap: (gapIndex: number) => void;
}

const SIGN: Record<DiffLine['type'], string> = { add: '+', del: '−', ctx: ' ' };
const SR: Record<DiffLine['type'], string> = { add: 'added', del: 'removed', ctx: 'unchanged' };

export function diffTable(file: FileView, o: TableOptions): HTMLElement {
  if (file.binary) return h('p', { className: 'muted', text: 'Binary file: contents not shown.' });
  const rows: Array<UnifiedRow | SplitRow> = o.view === 'unified' ? file.unified : file.split;
  if (rows.length === 0) return h('p', { className: 'muted', text: 'No textual changes (mode or type change only).' });
  const columns = o.view === 'unified' ? 3 : 4;
  const table = h('table', { className: `diff diff-${o.view}`, role: 'table', 'aria-label': `Changes in ${file.path}` });
  const body = h('tbody');
  let gapIndex = 0;
  for (const row of rows) {
    if (row.kind === 'gap') {
      const index = gapIndex++;
      body.append(gapRow(row, index, columns, o));
      if (row.lines && o.isExpanded(index)) {
        for (const l of row.lines) {
          const line: DiffLine = { type: 'ctx', oldNo: l.oldNo, newNo: l.newNo, text: l.text };
          body.append(o.view === 'unified' ? unifiedLine(line) : splitLine(line, line));
        }
      }
    } else if (row.kind === 'line') {
      body.append(unifiedLine(row.line));
    } else {
      body.append(splitLine(row.left, row.right));
    }
  }
  table.append(body);
  return table;
}

function gapRow(row: GapRow, index: number, columns: number, o: TableOptions): HTMLElement {
  const label = `${row.count} unchanged line${row.count === 1 ? '' : 's'}`;
  const cell = h('td', { colspan: columns, className: 'gap' });
  if (row.lines) {
    const expanded = o.isExpanded(index);
    const button = h('button', { className: 'link', type: 'button', 'aria-expanded': String(expanded) }, expanded ? `Hide ${label}` : `Show ${label}`);
    button.addEventListener('click', () => o.toggleGap(index));
    cell.append(button);
  } else {
    cell.append(h('span', { className: 'muted', text: `⋯ ${label}` }));
  }
  return h('tr', { className: 'gap-row' }, cell);
}

function num(n: number | undefined): HTMLElement {
  return h('td', { className: 'ln', 'aria-hidden': 'true', text: n === undefined ? '' : String(n) });
}

function code(line: DiffLine | undefined): HTMLElement {
  if (!line) return h('td', { className: 'code empty' });
  const td = h('td', { className: `code ${line.type}` },
    h('span', { className: 'sr-only', text: `${SR[line.type]}: ` }),
    h('span', { className: 'sign', 'aria-hidden': 'true', text: SIGN[line.type] }),
    h('span', { className: 'text', text: line.text }));
  if (line.secrets?.length) td.append(h('span', { className: 'badge secret', title: `secret: ${line.secrets.join(', ')}`, text: `secret (${line.secrets.join(', ')})` }));
  if (line.noEol) td.append(h('span', { className: 'muted noeol', text: ' ⏎̸ no newline at end of file' }));
  return td;
}

function unifiedLine(line: DiffLine): HTMLElement {
  return h('tr', { className: `row ${line.type}` }, num(line.oldNo), num(line.newNo), code(line));
}

function splitLine(left: DiffLine | undefined, right: DiffLine | undefined): HTMLElement {
  return h('tr', { className: 'row' }, num(left?.oldNo), code(left), num(right?.newNo), code(right));
}
