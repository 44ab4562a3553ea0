/**
 * copyBox (slices, concatenation, padding and slice gradients) against an element-by-element
 * reference: boxes that span whole trailing axes (folded into one run) and boxes that do
 * not, short and long runs, copy and add, float32 and float64.
 */
import { makeGenerator } from '@zen/autograd-core';
import { copyBox } from '../src/kernels/layout';

/** The flat index of `index` in a row-major array of `shape`. */
function flat(shape: readonly number[], index: readonly number[]): number {
  return index.reduce((at, i, axis) => at * shape[axis] + i, 0);
}

function reference(
  src: Float64Array,
  srcShape: number[],
  srcStart: number[],
  dst: Float64Array,
  dstShape: number[],
  dstStart: number[],
  box: number[],
  mode: 'copy' | 'add',
): void {
  const total = box.reduce((a, b) => a * b, 1);
  for (let k = 0; k < total; k++) {
    const index: number[] = [];
    let rest = k;
    for (let axis = box.length - 1; axis >= 0; axis--) {
      index.unshift(rest % box[axis]);
      rest = Math.floor(rest / box[axis]);
    }
    const s = flat(
      srcShape,
      index.map((i, axis) => i + srcStart[axis]),
    );
    const d = flat(
      dstShape,
      index.map((i, axis) => i + dstStart[axis]),
    );
    dst[d] = mode === 'add' ? dst[d] + src[s] : src[s];
  }
}

const CASES: [string, number[], number[], number[], number[], number[]][] = [
  // name, srcShape, srcStart, dstShape, dstStart, box
  ['one time step of [T, N, C] (whole trailing axes)', [7, 5, 3], [4, 0, 0], [5, 3], [0, 0], [1, 5, 3]],
  ['one time step of [N, T, C] (strided rows)', [5, 7, 3], [0, 4, 0], [5, 3], [0, 0], [5, 1, 3]],
  ['long rows', [3, 2, 100], [1, 0, 0], [4, 2, 100], [2, 0, 0], [2, 2, 100]],
  ['an inner box', [6, 5, 4], [1, 2, 1], [3, 3, 3], [0, 0, 1], [3, 3, 2]],
  ['whole last axis only', [4, 6, 8], [1, 1, 0], [3, 5, 8], [1, 2, 0], [2, 3, 8]],
];

test.each(CASES)(
  '%s: copy and add match the reference',
  (_name, srcShape, srcStart, dstShape, dstStart, box) => {
    const next = makeGenerator(_name);
    const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
    // Values representable in float32, so one reference serves both dtypes.
    const src = Float64Array.from(Float32Array.from({ length: size(srcShape) }, next));
    const start = Float64Array.from(Float32Array.from({ length: size(dstShape) }, next));
    for (const mode of ['copy', 'add'] as const) {
      const want = start.slice();
      reference(src, srcShape, srcStart, want, dstShape, dstStart, box, mode);
      const got64 = start.slice();
      copyBox(src, srcShape, srcStart, got64, dstShape, dstStart, box, mode);
      expect(got64).toEqual(want);
      const got32 = Float32Array.from(start);
      copyBox(Float32Array.from(src), srcShape, srcStart, got32, dstShape, dstStart, box, mode);
      expect(got32).toEqual(Float32Array.from(want));
    }
  },
);
