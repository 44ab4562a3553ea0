/**
 * A drawing made like an MNIST digit: MNIST's digits were scaled so the larger side of
 * their bounding box is 20 pixels (keeping the aspect ratio), then placed in a 28×28
 * field so that their centre of mass sits at the centre.
 */

export const SIDE = 28;
const BOX = 20;
/** Ink below this (of 1) counts as background when finding the bounding box. */
const INK = 0.1;

/**
 * 28×28 values in [0, 1] from a `width`×`height` grayscale image (`ink` in [0, 1], 1 =
 * stroke), or null if nothing is drawn.
 */
export function toMnistDigit(ink: Float32Array, width: number, height: number): Float32Array | null {
  let top = height;
  let bottom = -1;
  let left = width;
  let right = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] > INK) {
        if (y < top) top = y;
        if (y > bottom) bottom = y;
        if (x < left) left = x;
        if (x > right) right = x;
      }
    }
  }
  if (bottom < 0) return null;
  const boxW = right - left + 1;
  const boxH = bottom - top + 1;
  const scale = BOX / Math.max(boxW, boxH);
  const outW = Math.max(1, Math.round(boxW * scale));
  const outH = Math.max(1, Math.round(boxH * scale));

  // Area-average each output pixel over the source pixels it covers.
  const small = new Float32Array(outW * outH);
  for (let oy = 0; oy < outH; oy++) {
    const y0 = top + Math.floor((oy * boxH) / outH);
    const y1 = Math.max(y0 + 1, top + Math.floor(((oy + 1) * boxH) / outH));
    for (let ox = 0; ox < outW; ox++) {
      const x0 = left + Math.floor((ox * boxW) / outW);
      const x1 = Math.max(x0 + 1, left + Math.floor(((ox + 1) * boxW) / outW));
      let sum = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += ink[y * width + x];
      small[oy * outW + ox] = sum / ((y1 - y0) * (x1 - x0));
    }
  }

  // Centre of mass of the scaled digit, then shift it to the field's centre.
  let mass = 0;
  let cy = 0;
  let cx = 0;
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const v = small[y * outW + x];
      mass += v;
      cy += v * y;
      cx += v * x;
    }
  }
  const offsetY = Math.round(SIDE / 2 - (mass > 0 ? cy / mass + 0.5 : outH / 2));
  const offsetX = Math.round(SIDE / 2 - (mass > 0 ? cx / mass + 0.5 : outW / 2));
  const out = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < outH; y++) {
    const ty = y + offsetY;
    if (ty < 0 || ty >= SIDE) continue;
    for (let x = 0; x < outW; x++) {
      const tx = x + offsetX;
      if (tx >= 0 && tx < SIDE) out[ty * SIDE + tx] = Math.min(1, small[y * outW + x]);
    }
  }
  return out;
}
