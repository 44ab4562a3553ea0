/** Prints result rows as a fixed-width table with ratios and target verdicts. */
import { type ResultRow, type Figure, ratio, targetMet } from './results';

function formatNumber(v: number): string {
  if (Math.abs(v) < 0.01) return v === 0 ? '0' : v.toExponential(0);
  if (v < 0) return v.toFixed(2);
  if (v >= 1000) return Math.round(v).toLocaleString('en-US');
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

function formatFigure(f: Figure): string {
  if (f.kind === 'value') return formatNumber(f.value) + (f.note ? '*' : '');
  return f.kind;
}

function formatRatio(r: number | null): string {
  if (r === null) return '—';
  return r >= 10 ? `${r.toFixed(0)}×` : `${r.toFixed(2)}×`;
}

function formatTarget(row: ResultRow): string {
  const target = row.target;
  if (!target) return '';
  const met = targetMet(row);
  const verdict = met === null ? 'n/a' : met ? 'met' : 'NOT met';
  const goal = 'atMost' in target ? `Zen ≤ ${target.atMost}` : `≥ ${target.ratio}× ${target.peer}`;
  return `${goal}: ${verdict}`;
}

/** Ratios mean something for throughputs and sizes, not for a growth rate near zero. */
function comparable(row: ResultRow): boolean {
  return !(row.target && 'atMost' in row.target);
}

/** The rows as text columns: benchmark, unit, the four figures, the three ratios, target. */
export function formatTable(rows: readonly ResultRow[]): string {
  const header = [
    'benchmark',
    'unit',
    'Zen-TS',
    'tfjs-cpu',
    'tfjs-wasm',
    'PyTorch',
    'Zen/cpu',
    'Zen/wasm',
    'Zen/PyTorch',
    'target',
  ];
  const last = header.length - 1;
  const lines = rows.map((row) => [
    row.name,
    row.lowerIsBetter ? `${row.unit} (lower is better)` : row.unit,
    formatFigure(row.figures.zen),
    formatFigure(row.figures['tfjs-cpu']),
    formatFigure(row.figures['tfjs-wasm']),
    row.torch ? formatFigure(row.torch) : '—',
    formatRatio(comparable(row) ? ratio(row, 'tfjs-cpu') : null),
    formatRatio(comparable(row) ? ratio(row, 'tfjs-wasm') : null),
    formatRatio(comparable(row) ? ratio(row, 'torch') : null),
    formatTarget(row),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const render = (cells: string[]) =>
    '| ' +
    cells.map((c, i) => (i < 2 || i === last ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') +
    ' |';
  const rule =
    '|' +
    widths.map((w, i) => (i < 2 || i === last ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') +
    '|';
  const notes = rows.flatMap((row) =>
    Object.entries({ ...row.figures, ...(row.torch ? { PyTorch: row.torch } : {}) }).flatMap(([who, f]) =>
      f.kind === 'value' && f.note
        ? [`* ${row.name}, ${who}: ${f.note}`]
        : f.kind !== 'value'
          ? [`${row.name}, ${who}: ${f.kind} — ${f.reason}`]
          : [],
    ),
  );
  return [render(header), rule, ...lines.map(render), ...(notes.length ? ['', ...notes] : [])].join('\n');
}
