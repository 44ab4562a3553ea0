/** The text of Sequential.summary(): a Keras-style table of layers, output shapes and parameter counts. */
import type { Sequential } from './sequential';
import { SymbolicShape, formatSymbolicShape } from '../shapes';

/** Pads the cells into columns of the given widths (the last cell unpadded). */
function row(cells: string[], widths: number[]): string {
  return cells.map((cell, i) => (i < cells.length - 1 ? cell.padEnd(widths[i] - 1) + ' ' : cell)).join('');
}

/** The table for a built model. */
export function summarize(model: Sequential): string {
  const rows: string[][] = [];
  let shape: SymbolicShape | null = model.layers[0]?.builtInputShape ?? null;
  for (const layer of model.layers) {
    shape = shape ? layer.computeOutputShape(shape) : layer.builtInputShape;
    rows.push([
      `${layer.name} (${layer.className})`,
      shape ? formatSymbolicShape(shape) : '?',
      String(layer.countParams()),
    ]);
  }
  const header = ['Layer (type)', 'Output Shape', 'Param #'];
  const widths = [0, 1, 2].map((c) =>
    Math.max(c === 0 ? 34 : c === 1 ? 26 : 12, ...[header, ...rows].map((r) => r[c].length + 2)),
  );
  const width = widths.reduce((a, b) => a + b, 0);
  const heavy = '='.repeat(width);
  const light = '_'.repeat(width);
  const lines = [`Model: "${model.name}"`, light, row(header, widths), heavy];
  rows.forEach((cells, i) => lines.push(row(cells, widths), i === rows.length - 1 ? heavy : light));
  const total = model.countParams();
  const trainable = model.trainableWeights.reduce((n, w) => n + w.value.size, 0);
  lines.push(`Total params: ${total.toLocaleString('en-US')}`);
  lines.push(`Trainable params: ${trainable.toLocaleString('en-US')}`);
  lines.push(`Non-trainable params: ${(total - trainable).toLocaleString('en-US')}`);
  lines.push(light);
  return lines.join('\n');
}
