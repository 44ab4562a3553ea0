/**
 * The compact form of the bundled digits that the build emits (dist/mnist-digits.bin.gz,
 * gzip of what `packDigits` returns) for `loadBundledMnistAsync`:
 *
 *   bytes 0-3   'ZDG1'
 *   bytes 4-7   image count N (uint32, little-endian)
 *   bytes 8-9   rows, bytes 10-11 cols (uint16, little-endian)
 *   then N label bytes, then N·rows·cols pixel levels k (one byte each).
 *
 * The `mnist` package stores each pixel as k/255 rounded to three decimals, so one byte
 * per pixel restores exactly the values its JSON files give.
 */

const MAGIC = [0x5a, 0x44, 0x47, 0x31]; // 'ZDG1'
const HEADER = 12;

/** The pixel value of level k, as the `mnist` package writes it: k/255 to three decimals. */
const LEVELS = Float32Array.from({ length: 256 }, (_, k) => Math.round((k * 1000) / 255) / 1000);

/** Digits as flat float32 images [N·rows·cols] and int32 labels [N]. */
export interface DigitArrays {
  images: Float32Array;
  labels: Int32Array;
  rows: number;
  cols: number;
}

/** Packs digits whose pixels are all 8-bit levels (refuses any other value by position). */
export function packDigits({ images, labels, rows, cols }: DigitArrays): Uint8Array {
  const n = labels.length;
  const pixels = rows * cols;
  if (images.length !== n * pixels) {
    throw new Error(`packDigits: ${images.length} pixel values for ${n} images of ${rows}×${cols}`);
  }
  const out = new Uint8Array(HEADER + n + n * pixels);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint32(4, n, true);
  view.setUint16(8, rows, true);
  view.setUint16(10, cols, true);
  for (let i = 0; i < n; i++) {
    if (!(labels[i] >= 0 && labels[i] <= 255)) throw new Error(`packDigits: label ${labels[i]} at ${i}`);
    out[HEADER + i] = labels[i];
  }
  const base = HEADER + n;
  for (let i = 0; i < images.length; i++) {
    const k = Math.round(images[i] * 255);
    if (!(k >= 0 && k <= 255) || LEVELS[k] !== images[i]) {
      throw new Error(`packDigits: pixel ${i} is ${images[i]}, not an 8-bit level k/255 to three decimals`);
    }
    out[base + i] = k;
  }
  return out;
}

/** Reads what `packDigits` wrote; `source` names the bytes in error messages. */
export function unpackDigits(bytes: Uint8Array, source: string): DigitArrays {
  const fail = (problem: string) => new Error(`loadBundledMnistAsync: ${source}: ${problem}`);
  if (bytes.length < HEADER || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw fail("not a packed digits file (no 'ZDG1' header)");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(4, true);
  const rows = view.getUint16(8, true);
  const cols = view.getUint16(10, true);
  const expected = HEADER + n + n * rows * cols;
  if (bytes.length !== expected) {
    throw fail(
      `${bytes.length} bytes, but ${n} images of ${rows}×${cols} need ${expected} (truncated download?)`,
    );
  }
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = bytes[HEADER + i];
  const images = new Float32Array(n * rows * cols);
  const base = HEADER + n;
  for (let i = 0; i < images.length; i++) images[i] = LEVELS[bytes[base + i]];
  return { images, labels, rows, cols };
}
