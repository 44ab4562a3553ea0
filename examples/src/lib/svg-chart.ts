/**
 * A small dependency-free SVG line chart: enough for training curves and
 * truth-vs-prediction plots, written as a standalone .svg file.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface Series {
  name: string;
  values: readonly number[];
  /** Dashed line (e.g. validation curves). */
  dashed?: boolean;
  /** Index into the palette; the series' position by default. */
  colour?: number;
}

export interface ChartOptions {
  title: string;
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
  /** Label of the first point on the x axis (1 for epochs); 0 by default. */
  xStart?: number;
  /** x-axis distance between consecutive points (default 1), e.g. the time step of a series. */
  xStep?: number;
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}

/** "Nice" tick values covering [lo, hi]. */
function ticks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

/** Renders the series as an SVG document (x is the index, 1-based when `oneBased`). */
export function lineChartSvg(series: readonly Series[], options: ChartOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 400;
  const margin = { left: 64, right: 150, top: 40, bottom: 48 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const finite = series.flatMap((s) => s.values.filter((v) => Number.isFinite(v)));
  const n = Math.max(1, ...series.map((s) => s.values.length));
  let yMin = finite.length ? Math.min(...finite) : 0;
  let yMax = finite.length ? Math.max(...finite) : 1;
  if (yMin === yMax) {
    yMin -= 0.5;
    yMax += 0.5;
  }
  const headroom = 0.05 * (yMax - yMin); // keep the extremes off the frame
  yMin -= headroom;
  yMax += headroom;
  const x = (i: number) => margin.left + (n === 1 ? plotW / 2 : (i / (n - 1)) * plotW);
  const y = (v: number) => margin.top + (1 - (v - yMin) / (yMax - yMin)) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${margin.left + plotW / 2}" y="24" text-anchor="middle" font-size="15">${escapeXml(options.title)}</text>`,
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#444"/>`,
  ];
  for (const v of ticks(yMin, yMax)) {
    parts.push(
      `<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`,
      `<text x="${margin.left - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text>`,
    );
  }
  for (const v of ticks(0, n - 1).filter((t) => Number.isInteger(t))) {
    const label = Number((v * (options.xStep ?? 1) + (options.xStart ?? 0)).toPrecision(6));
    parts.push(`<text x="${x(v)}" y="${margin.top + plotH + 16}" text-anchor="middle">${label}</text>`);
  }
  if (options.xLabel) {
    parts.push(
      `<text x="${margin.left + plotW / 2}" y="${height - 10}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    );
  }
  if (options.yLabel) {
    parts.push(
      `<text transform="translate(16 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
    );
  }
  series.forEach((s, k) => {
    const colour = COLOURS[(s.colour ?? k) % COLOURS.length];
    const points = s.values
      .map((v, i) => (Number.isFinite(v) ? `${x(i).toFixed(2)},${y(v).toFixed(2)}` : null))
      .filter((p) => p !== null);
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    parts.push(
      `<polyline fill="none" stroke="${colour}" stroke-width="2"${dash} points="${points.join(' ')}"/>`,
    );
    const ly = margin.top + 12 + k * 18;
    parts.push(
      `<line x1="${width - margin.right + 12}" x2="${width - margin.right + 36}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2"${dash}/>`,
      `<text x="${width - margin.right + 42}" y="${ly + 4}">${escapeXml(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/** Writes an SVG file atomically (temporary name, then rename). */
export function writeSvg(file: string, svg: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(temporary, svg);
  fs.renameSync(temporary, file);
}

/** Training curves from a Keras-style History: one colour per metric, validation dashed. */
export function historySvg(history: Record<string, readonly number[]>, title: string): string {
  const metricOf = (key: string) => key.replace(/^val_/, '');
  const metrics = [...new Set(Object.keys(history).map(metricOf))];
  const series = Object.entries(history).map(([name, values]) => ({
    name,
    values,
    dashed: name.startsWith('val_'),
    colour: metrics.indexOf(metricOf(name)),
  }));
  return lineChartSvg(series, { title, xLabel: 'epoch', yLabel: 'value', xStart: 1 });
}
