import { Geometry } from './conv';

/**
 * Max pooling over NHWC windows, four channels at a time: each output keeps the first
 * maximum of its window and its flat input index (NaN wins once and stays, as in
 * src/kernels/conv.ts maxPoolKernel, which is the reference). Padding is ignored.
 */

/**
 * out[n, oy, ox, c] = max over the window; argmax (i32) = `indexBase` + the flat index of
 * that element in x (a block of images starting at image i passes i's first index).
 */
export function maxPool(x: usize, geometry: usize, out: usize, argmax: usize, indexBase: i32): void {
  const g = changetype<Geometry>(geometry);
  if (
    g.kernelH == 2 &&
    g.kernelW == 2 &&
    g.strideH == 2 &&
    g.strideW == 2 &&
    g.padTop == 0 &&
    g.padLeft == 0 &&
    (g.channels & 3) == 0 &&
    2 * g.outH <= g.inH &&
    2 * g.outW <= g.inW
  ) {
    maxPool2x2(x, g, out, argmax, indexBase);
    return;
  }
  const inW = g.inW;
  const C = g.channels;
  const kernelW = g.kernelW;
  const strideW = g.strideW;
  const outW = g.outW;
  const lanes = i32x4(0, 1, 2, 3);
  let o: usize = 0; // output element index
  for (let n = 0; n < g.batch; n++) {
    const imageBase = n * g.inH * inW * C;
    for (let oy = 0; oy < g.outH; oy++) {
      const top = oy * g.strideH - g.padTop;
      const y0 = max(top, 0);
      const y1 = min(top + g.kernelH, g.inH);
      for (let ox = 0, left = -g.padLeft; ox < outW; ox++, left += strideW, o += <usize>C) {
        const x0 = max(left, 0);
        const x1 = min(left + kernelW, inW);
        const first = imageBase + (y0 * inW + x0) * C;
        let c = 0;
        for (; c + 4 <= C; c += 4) {
          let best = v128.load(x + ((<usize>(first + c)) << 2));
          let index = i32x4.add(i32x4.splat(first + c), lanes);
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = iy == y0 ? x0 + 1 : x0; ix < x1; ix++) {
              const at = imageBase + (iy * inW + ix) * C + c;
              const v = v128.load(x + ((<usize>at) << 2));
              // Take v where it is larger, or where it is NaN and the best so far is not.
              const take = v128.or(f32x4.gt(v, best), v128.and(f32x4.ne(v, v), f32x4.eq(best, best)));
              best = v128.bitselect(v, best, take);
              index = v128.bitselect(i32x4.add(i32x4.splat(at), lanes), index, take);
            }
          }
          v128.store(out + ((o + <usize>c) << 2), best);
          v128.store(argmax + ((o + <usize>c) << 2), i32x4.add(index, i32x4.splat(indexBase)));
        }
        for (; c < C; c++) {
          let best = load<f32>(x + ((<usize>(first + c)) << 2));
          let index = first + c;
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = iy == y0 ? x0 + 1 : x0; ix < x1; ix++) {
              const at = imageBase + (iy * inW + ix) * C + c;
              const v = load<f32>(x + ((<usize>at) << 2));
              if (v > best || (v != v && best == best)) {
                best = v;
                index = at;
              }
            }
          }
          store<f32>(out + ((o + <usize>c) << 2), best);
          store<i32>(argmax + ((o + <usize>c) << 2), index + indexBase);
        }
      }
    }
  }
}

/**
 * The common 2×2, stride-2 pool with every window inside the image and channels in fours:
 * the four taps unrolled, in the generic kernel's scan order (so the same maximum wins).
 */
function maxPool2x2(x: usize, g: Geometry, out: usize, argmax: usize, indexBase: i32): void {
  const C = g.channels;
  const rowStep = g.inW * C;
  const lanes = i32x4(0, 1, 2, 3);
  let o: usize = 0; // output element index
  for (let n = 0; n < g.batch; n++) {
    const imageBase = n * g.inH * rowStep;
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++, o += <usize>C) {
        const first = imageBase + 2 * oy * rowStep + 2 * ox * C;
        for (let c = 0; c < C; c += 4) {
          const at = first + c;
          let best = v128.load(x + ((<usize>at) << 2));
          let index = i32x4.add(i32x4.splat(at + indexBase), lanes);
          const a1 = at + C;
          const a2 = at + rowStep;
          const a3 = a2 + C;
          let v = v128.load(x + ((<usize>a1) << 2));
          let take = v128.or(f32x4.gt(v, best), v128.and(f32x4.ne(v, v), f32x4.eq(best, best)));
          best = v128.bitselect(v, best, take);
          index = v128.bitselect(i32x4.add(i32x4.splat(a1 + indexBase), lanes), index, take);
          v = v128.load(x + ((<usize>a2) << 2));
          take = v128.or(f32x4.gt(v, best), v128.and(f32x4.ne(v, v), f32x4.eq(best, best)));
          best = v128.bitselect(v, best, take);
          index = v128.bitselect(i32x4.add(i32x4.splat(a2 + indexBase), lanes), index, take);
          v = v128.load(x + ((<usize>a3) << 2));
          take = v128.or(f32x4.gt(v, best), v128.and(f32x4.ne(v, v), f32x4.eq(best, best)));
          best = v128.bitselect(v, best, take);
          index = v128.bitselect(i32x4.add(i32x4.splat(a3 + indexBase), lanes), index, take);
          v128.store(out + ((o + <usize>c) << 2), best);
          v128.store(argmax + ((o + <usize>c) << 2), index);
        }
      }
    }
  }
}
