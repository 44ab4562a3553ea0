import type { Tensor } from './tensor';

const EDGE = 3; // elements shown at each end of a truncated axis
const MAX_FULL = 1000; // tensors larger than this are summarised

function formatNumber(v: number, isInt: boolean): string {
  if (isInt || Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e6)) return v.toExponential(4);
  return String(Number(v.toFixed(4)));
}

/** Formats a tensor the way numpy prints arrays: `tensor([[1, 2], [3, 4]], dtype=float32)`. */
export function formatTensor(t: Tensor): string {
  const truncate = t.size > MAX_FULL;
  const isInt = t.dtype === 'int32';
  const strides: number[] = [];
  let s = 1;
  for (let i = t.ndim - 1; i >= 0; i--) {
    strides[i] = s;
    s *= t.shape[i];
  }
  const indent = 'tensor('.length;
  const rec = (axis: number, offset: number): string => {
    if (t.ndim === 0) return formatNumber(t.data[0], isInt);
    const n = t.shape[axis];
    const idx: (number | null)[] = [];
    if (truncate && n > 2 * EDGE) {
      for (let i = 0; i < EDGE; i++) idx.push(i);
      idx.push(null);
      for (let i = n - EDGE; i < n; i++) idx.push(i);
    } else {
      for (let i = 0; i < n; i++) idx.push(i);
    }
    if (axis === t.ndim - 1) {
      return (
        '[' + idx.map((i) => (i === null ? '...' : formatNumber(t.data[offset + i], isInt))).join(', ') + ']'
      );
    }
    const sep = ',' + '\n'.repeat(t.ndim - 1 - axis) + ' '.repeat(indent + axis + 1);
    return (
      '[' + idx.map((i) => (i === null ? '...' : rec(axis + 1, offset + i * strides[axis]))).join(sep) + ']'
    );
  };
  return `tensor(${rec(0, 0)}, dtype=${t.dtype})`;
}
