/**
 * einsum: Einstein summation over labelled axes ('ij,jk->ik', 'bhqd,bhkd->bhqk',
 * '...ij,...jk->...ik', 'ii->i'). It is built from differentiable ops (diagonals by
 * masking, sums, broadcasts, permutes and one batched matmul per pair of operands), so
 * it is differentiable in both modes and to any order with no rules of its own.
 */
import { type Tensor, emptyTensor } from '../tensor';
import { formatShape, sizeOf } from '../shape';
import { matmul } from './matmul';
import { broadcastTo, transpose } from './shape';

/** An operand with one label per axis. */
interface Labelled {
  t: Tensor;
  labels: string[];
}

const LETTER = /^[a-zA-Z]$/;

function fail(equation: string, why: string): never {
  throw new Error(`einsum '${equation}': ${why}`);
}

/** Splits one side of the equation into labels; '...' becomes `ellipsisRank` labels '…0', '…1', …. */
function parseTerm(equation: string, term: string, ellipsisRank: number): string[] {
  const parts = term.split('...');
  if (parts.length > 2) fail(equation, `'${term}' has more than one '...'`);
  const letters = (s: string) =>
    [...s].map((c) => (LETTER.test(c) ? c : fail(equation, `'${c}' is not a letter index`)));
  const head = letters(parts[0]);
  if (parts.length === 1) return head;
  const dots = Array.from({ length: ellipsisRank }, (_, i) => `…${i}`);
  return [...head, ...dots, ...letters(parts[1])];
}

/** Parses the equation against the operands: labels per operand and the output labels. */
function parse(equation: string, operands: readonly Tensor[]): { inputs: Labelled[]; output: string[] } {
  const eq = equation.replace(/\s+/g, '');
  const [lhs, rhs, extra] = eq.split('->');
  if (extra !== undefined) fail(equation, "more than one '->'");
  const terms = lhs.split(',');
  if (terms.length !== operands.length) {
    fail(equation, `names ${terms.length} operand(s) but got ${operands.length}`);
  }
  let ellipsisRank = 0;
  const inputs = terms.map((term, i) => {
    const t = operands[i];
    const explicit = term.replace('...', '').length;
    const rank = term.includes('...') ? t.ndim - explicit : 0;
    if (rank < 0 || (!term.includes('...') && explicit !== t.ndim)) {
      fail(equation, `operand ${i} has shape ${formatShape(t.shape)} but '${term}' names ${explicit} axes`);
    }
    ellipsisRank = Math.max(ellipsisRank, rank);
    return { t, labels: parseTerm(equation, term, rank), rank };
  });
  // Ellipsis axes align from the right, as broadcasting does: operand i's j-th '…' label is
  // the (ellipsisRank − rank + j)-th of the output.
  for (const input of inputs) {
    const shift = ellipsisRank - input.rank;
    input.labels = input.labels.map((l) => (l.startsWith('…') ? `…${Number(l.slice(1)) + shift}` : l));
  }
  const dots = Array.from({ length: ellipsisRank }, (_, i) => `…${i}`);
  let output: string[];
  if (rhs === undefined) {
    const counts = new Map<string, number>();
    for (const { labels } of inputs) for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
    const once = [...counts].filter(([l, n]) => n === 1 && !l.startsWith('…')).map(([l]) => l);
    output = [...dots, ...once.sort()];
  } else {
    output = parseTerm(equation, rhs, ellipsisRank);
    const known = new Set(inputs.flatMap((x) => x.labels));
    for (const l of output) if (!known.has(l)) fail(equation, `output index '${l}' appears in no operand`);
    if (new Set(output).size !== output.length) fail(equation, 'the output repeats an index');
    if (rhs.includes('...') === false && ellipsisRank > 0) fail(equation, "the output must keep '...'");
  }
  return { inputs: inputs.map(({ t, labels }) => ({ t, labels })), output };
}

/** The size of each label across operands (1 broadcasts against n). */
function labelSizes(equation: string, inputs: readonly Labelled[]): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const { t, labels } of inputs) {
    labels.forEach((l, axis) => {
      const n = t.shape[axis];
      const known = sizes.get(l);
      if (known === undefined || known === 1) sizes.set(l, n);
      else if (n !== 1 && n !== known) {
        fail(equation, `index '${l}' has length ${known} in one place and ${n} in another`);
      }
    });
  }
  return sizes;
}

/** Takes the diagonal of a label repeated within one operand ('ii' → 'i'). */
function takeDiagonals(equation: string, x: Labelled): Labelled {
  let { t, labels } = x;
  for (;;) {
    const a = labels.findIndex((l, i) => labels.indexOf(l) !== i);
    if (a < 0) return { t, labels };
    const first = labels.indexOf(labels[a]);
    const n = t.shape[first];
    if (t.shape[a] !== n) fail(equation, `repeated index '${labels[a]}' has lengths ${n} and ${t.shape[a]}`);
    // Keep the elements where both axes agree (an identity mask), then sum the second away.
    const maskShape = t.shape.map((d, i) => (i === first || i === a ? n : 1));
    const mask = emptyTensor(maskShape, t.dtype);
    const stepFirst = sizeOf(maskShape.slice(first + 1));
    const stepSecond = sizeOf(maskShape.slice(a + 1));
    for (let i = 0; i < n; i++) mask.data[i * stepFirst + i * stepSecond] = 1;
    t = t.mul(mask).sum(a);
    labels = labels.filter((_, i) => i !== a);
  }
}

/** Sums away labels that no other operand and not the output use. */
function sumPrivate(x: Labelled, keep: ReadonlySet<string>): Labelled {
  const axes = x.labels.flatMap((l, i) => (keep.has(l) ? [] : [i]));
  if (axes.length === 0) return x;
  return { t: x.t.sum(axes), labels: x.labels.filter((l) => keep.has(l)) };
}

/** Permutes and broadcasts `x` to the label order `order` (every label of x must be in it). */
function arrange(x: Labelled, order: readonly string[], sizes: ReadonlyMap<string, number>): Tensor {
  const perm = order.map((l) => x.labels.indexOf(l));
  const t = transpose(x.t, perm);
  const target = order.map((l) => sizes.get(l)!);
  return t.shape.every((d, i) => d === target[i]) ? t : broadcastTo(t, target);
}

/** Contracts two operands, keeping the labels in `keep`, with one batched matmul. */
function contract(
  a: Labelled,
  b: Labelled,
  keep: ReadonlySet<string>,
  sizes: ReadonlyMap<string, number>,
): Labelled {
  const inB = new Set(b.labels);
  const batch = a.labels.filter((l) => inB.has(l) && keep.has(l));
  const summed = a.labels.filter((l) => inB.has(l) && !keep.has(l));
  const onlyA = a.labels.filter((l) => !inB.has(l));
  const onlyB = b.labels.filter((l) => !a.labels.includes(l));
  const size = (ls: readonly string[]) => ls.reduce((n, l) => n * sizes.get(l)!, 1);
  const batchShape = batch.map((l) => sizes.get(l)!);
  const left = arrange(a, [...batch, ...onlyA, ...summed], sizes).reshape([
    ...batchShape,
    size(onlyA),
    size(summed),
  ]);
  const right = arrange(b, [...batch, ...summed, ...onlyB], sizes).reshape([
    ...batchShape,
    size(summed),
    size(onlyB),
  ]);
  const product = matmul(left, right);
  const labels = [...batch, ...onlyA, ...onlyB];
  return { t: product.reshape(labels.map((l) => sizes.get(l)!)), labels };
}

/**
 * Einstein summation, as numpy/PyTorch: `einsum('bij,bjk->bik', a, b)`. Indices are
 * letters; an index repeated within an operand takes a diagonal; indices left out of the
 * output are summed; '...' stands for broadcast leading axes; without '->' the output is
 * '...' followed by the indices used once, in alphabetical order.
 */
export function einsum(equation: string, ...operands: Tensor[]): Tensor {
  if (operands.length === 0) fail(equation, 'needs at least one operand');
  const { inputs, output } = parse(equation, operands);
  const sizes = labelSizes(equation, inputs);
  const needed = (from: number): Set<string> =>
    new Set([...output, ...inputs.slice(from).flatMap((x) => x.labels)]);
  let acc = sumPrivate(takeDiagonals(equation, inputs[0]), needed(1));
  for (let i = 1; i < inputs.length; i++) {
    const next = sumPrivate(takeDiagonals(equation, inputs[i]), new Set([...needed(i + 1), ...acc.labels]));
    acc = contract(acc, next, needed(i + 1), sizes);
  }
  acc = sumPrivate(acc, new Set(output));
  return arrange(acc, output, sizes);
}
