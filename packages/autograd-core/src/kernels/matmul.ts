/**
 * Reference matrix multiply on typed arrays: C = op(A)·op(B), where op transposes
 * an operand when asked. Row-major; A is m×k (or k×m when transposed), B is k×n
 * (or n×k). Loop orders keep the innermost loop on contiguous memory.
 */
import type { TypedArray } from '../dtype';

export function gemmReference(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: TypedArray,
  aOffset: number,
  b: TypedArray,
  bOffset: number,
  c: TypedArray,
  cOffset: number,
): void {
  c.fill(0, cOffset, cOffset + m * n);
  if (!transB) {
    // i-p-j: broadcast A[i,p] over row p of B (contiguous), accumulate into row i of C.
    for (let i = 0; i < m; i++) {
      const cRow = cOffset + i * n;
      for (let p = 0; p < k; p++) {
        const av = transA ? a[aOffset + p * m + i] : a[aOffset + i * k + p];
        if (av === 0) continue;
        const bRow = bOffset + p * n;
        for (let j = 0; j < n; j++) c[cRow + j] += av * b[bRow + j];
      }
    }
    return;
  }
  // B transposed: C[i,j] is the dot product of row i of A and row j of B.
  for (let i = 0; i < m; i++) {
    const cRow = cOffset + i * n;
    for (let j = 0; j < n; j++) {
      const bRow = bOffset + j * k;
      let s = 0;
      if (transA) for (let p = 0; p < k; p++) s += a[aOffset + p * m + i] * b[bRow + p];
      else {
        const aRow = aOffset + i * k;
        for (let p = 0; p < k; p++) s += a[aRow + p] * b[bRow + p];
      }
      c[cRow + j] = s;
    }
  }
}
