/**
 * Plain-loop oracles for attention and einsum: written from the definitions, on number
 * arrays, independently of the library's kernels and of its op compositions.
 */
import { type Arr, sizeOf, unravel } from './reference';

export interface AttentionReferenceOptions {
  scale?: number;
  causal?: boolean;
  /** Keep mask of the full [..., tq, tk] shape (nonzero attends). */
  keep?: Arr;
}

/** softmax(scale·q·kᵀ over attended keys)·v, head by head; a row with no key gives zeros. */
export function attention(q: Arr, k: Arr, v: Arr, options: AttentionReferenceOptions = {}): Arr {
  const [tq, d] = q.shape.slice(-2);
  const tk = k.shape[k.shape.length - 2];
  const dv = v.shape[v.shape.length - 1];
  const heads = sizeOf(q.shape.slice(0, -2));
  const scale = options.scale ?? 1 / Math.sqrt(d);
  const data: number[] = [];
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < tq; i++) {
      const scores: (number | null)[] = [];
      for (let j = 0; j < tk; j++) {
        const hidden =
          (options.causal && j > i + tk - tq) ||
          (options.keep && options.keep.data[(h * tq + i) * tk + j] === 0);
        let s = 0;
        for (let c = 0; c < d; c++) s += q.data[(h * tq + i) * d + c] * k.data[(h * tk + j) * d + c];
        scores.push(hidden ? null : s * scale);
      }
      const visible = scores.filter((s): s is number => s !== null);
      const m = Math.max(...visible);
      const z = visible.reduce((acc, s) => acc + Math.exp(s - m), 0);
      for (let c = 0; c < dv; c++) {
        let o = 0;
        scores.forEach((s, j) => {
          if (s !== null) o += (Math.exp(s - m) / z) * v.data[(h * tk + j) * dv + c];
        });
        data.push(visible.length === 0 ? 0 : o);
      }
    }
  }
  return { shape: [...q.shape.slice(0, -1), dv], data };
}

/**
 * einsum by brute force over every assignment of the indices (explicit '->' and letters
 * only): the output element is the sum of the operands' products where indices agree.
 */
export function einsum(equation: string, ...operands: Arr[]): Arr {
  const [lhs, rhs] = equation.split('->');
  const terms = lhs.split(',');
  const size = new Map<string, number>();
  terms.forEach((t, i) => [...t].forEach((l, ax) => size.set(l, operands[i].shape[ax])));
  const all = [...size.keys()];
  const outShape = [...rhs].map((l) => size.get(l)!);
  const data = new Array<number>(sizeOf(outShape)).fill(0);
  const ranges = all.map((l) => size.get(l)!);
  for (let n = 0; n < sizeOf(ranges); n++) {
    const idx = unravel(n, ranges);
    const value = (l: string) => idx[all.indexOf(l)];
    let product = 1;
    terms.forEach((t, i) => {
      const shape = operands[i].shape;
      let flat = 0;
      [...t].forEach((l, ax) => (flat = flat * shape[ax] + value(l)));
      product *= operands[i].data[flat];
    });
    let out = 0;
    [...rhs].forEach((l, ax) => (out = out * outShape[ax] + value(l)));
    data[out] += product;
  }
  return { shape: outShape, data };
}
