/**
 * The text of model.summary(): a Keras-style table of layers, output shapes and parameter
 * counts. Graph models get Keras's "Connected to" column; a shared layer counts once.
 */
import type { Model } from './model';
import { type SymbolicShape, type ShapeOrShapes, formatSymbolicShape, isShapeList } from '../shapes';

/** Pads the cells into columns of the given widths (the last cell unpadded). */
function row(cells: string[], widths: number[]): string {
  return cells.map((cell, i) => (i < cells.length - 1 ? cell.padEnd(widths[i] - 1) + ' ' : cell)).join('');
}

function formatShapes(shape: ShapeOrShapes): string {
  return isShapeList(shape) ? shape.map(formatSymbolicShape).join(', ') : formatSymbolicShape(shape);
}

/**
 * Rows of a subclassed model's layers, in field order: the output shape of each layer for
 * the input it was built with ('?' before its first call, or for several inputs).
 */
function subclassRows(model: Model): string[][] {
  return model.layers.map((layer) => {
    const input = layer.builtInputShape;
    return [
      `${layer.name} (${layer.className})`,
      input ? formatShapes(layer.computeOutputShape(input)) : '?',
      String(layer.countParams()),
    ];
  });
}

/** Rows of a chain (Sequential): name, output shape, params. */
function chainRows(model: Model): string[][] {
  const rows: string[][] = [];
  let shape: SymbolicShape | null = model.layers[0]?.builtInputShape ?? null;
  for (const layer of model.layers) {
    const next = shape ? layer.computeOutputShape(shape) : layer.builtInputShape;
    shape = next && !isShapeList(next) ? next : null;
    rows.push([
      `${layer.name} (${layer.className})`,
      next ? formatShapes(next) : '?',
      String(layer.countParams()),
    ]);
  }
  return rows;
}

/**
 * Rows of a functional model: one per layer (a shared layer once, with every call's
 * inputs in "Connected to", as 'dense[0][0]': layer, call index, output index).
 */
function graphRows(model: Model): string[][] {
  const graph = model.graph!;
  return graph.layers.map((layer) => {
    const nodes = graph.nodes.filter((n) => n.layer === layer);
    const shapes =
      nodes.length === 0
        ? [formatSymbolicShape(layer.builtInputShape ?? [])]
        : nodes.map((n) => n.outputs.map((t) => formatSymbolicShape(t.shape)).join(', '));
    const reads = nodes.flatMap((n) =>
      [...n.inputs, ...n.kwargInputs].map((t) => {
        const [name, index, output] = graph.ref(t);
        return `${name}[${index}][${output}]`;
      }),
    );
    return [
      `${layer.name} (${layer.className})`,
      [...new Set(shapes)].join(' | '),
      String(layer.countParams()),
      reads.length > 0 ? reads.join(', ') : '-',
    ];
  });
}

/** The table for a built model. */
export function summarize(model: Model): string {
  const graph = model.graph !== null;
  const rows = graph ? graphRows(model) : model.subclassed ? subclassRows(model) : chainRows(model);
  const header = ['Layer (type)', 'Output Shape', 'Param #', ...(graph ? ['Connected to'] : [])];
  const minimum = [34, 26, 12, 20];
  const widths = header.map((_, c) => Math.max(minimum[c], ...[header, ...rows].map((r) => r[c].length + 2)));
  const width = widths.reduce((a, b) => a + b, 0);
  const heavy = '='.repeat(width);
  const light = '_'.repeat(width);
  const lines = [`Model: "${model.name}"`, light, row(header, widths), heavy];
  rows.forEach((cells, i) => lines.push(row(cells, widths), i === rows.length - 1 ? heavy : light));
  if (rows.length === 0) lines.push(heavy);
  const total = model.countParams();
  const trainable = model.trainableWeights.reduce((n, w) => n + w.value.size, 0);
  lines.push(`Total params: ${total.toLocaleString('en-US')}`);
  lines.push(`Trainable params: ${trainable.toLocaleString('en-US')}`);
  lines.push(`Non-trainable params: ${(total - trainable).toLocaleString('en-US')}`);
  lines.push(light);
  return lines.join('\n');
}
