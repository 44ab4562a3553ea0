/**
 * Reference values of erf, erfc and GELU in exact BigInt fixed-point arithmetic, with
 * enough bits that the result is right to far beyond float64: the tests' oracle.
 *
 * Numbers are integers scaled by 2^bits. π comes from Machin's formula, √ from Newton's
 * integer square root, and the functions from their Maclaurin series
 *   erf(x) = 2/√π · Σ (−1)ⁿ x^(2n+1) / (n!·(2n+1)),
 *   Φ(x)   = ½ + 1/√(2π) · Σ (−1)ⁿ x^(2n+1) / (2ⁿ·n!·(2n+1)),
 * whose alternating terms peak near e^(x²) (or e^(x²/2)): that many guard bits, plus
 * as many again for a tail as small as e^(−x²), keep the cancellation harmless.
 */

/** x (a double) times 2^bits, exactly; throws if bits is too few for x's last bit. */
function toFixed(x: number, bits: number): bigint {
  if (x === 0) return 0n;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const raw = view.getBigUint64(0);
  const biased = Number((raw >> 52n) & 0x7ffn);
  const fraction = raw & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (biased === 0 ? 1 : biased) - 1075;
  if (bits + exponent < 0) throw new Error(`toFixed: ${x} needs more than ${bits} bits`);
  const v = mantissa << BigInt(bits + exponent);
  return x < 0 ? -v : v;
}

/** The double nearest to v / 2^bits (to within one rounding: good for relative errors ≥ 1e-17). */
function toNumber(v: bigint, bits: number): number {
  if (v === 0n) return 0;
  const negative = v < 0n;
  const a = negative ? -v : v;
  const length = a.toString(2).length;
  const shift = Math.max(0, length - 64);
  const top = Number(a >> BigInt(shift)); // 64 leading bits, rounded once to 53
  const r = top * 2 ** (shift - bits);
  return negative ? -r : r;
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** atan(1/k)·2^bits by its series. */
function atanInverse(k: bigint, bits: number): bigint {
  const one = 1n << BigInt(bits);
  let power = one / k;
  let sum = power;
  const k2 = k * k;
  for (let n = 1n; power !== 0n; n++) {
    power /= k2;
    const term = power / (2n * n + 1n);
    sum += n % 2n === 1n ? -term : term;
  }
  return sum;
}

const piCache = new Map<number, bigint>();
function pi(bits: number): bigint {
  let p = piCache.get(bits);
  if (p === undefined) {
    p = 16n * atanInverse(5n, bits + 16) - 4n * atanInverse(239n, bits + 16);
    p >>= 16n;
    piCache.set(bits, p);
  }
  return p;
}

/** Σ (−1)ⁿ x^(2n+1) / (dⁿ·n!·(2n+1)) scaled by 2^bits, for X = x·2^bits. */
function oddSeries(X: bigint, bits: number, d: bigint): bigint {
  const scale = BigInt(bits);
  const X2 = (X * X) >> scale;
  let power = X; // x^(2n+1) / (dⁿ n!)
  let sum = X;
  for (let n = 1n; ; n++) {
    power = -((power * X2) >> scale) / (d * n);
    if (power === 0n) return sum;
    sum += power / (2n * n + 1n);
  }
}

/** Bits for an argument whose series peaks near e^(peak) and whose result may be near e^(−peak). */
function bitsFor(peak: number): number {
  return 128 + Math.ceil(2 * peak * Math.LOG2E);
}

/** erf(x) and erfc(x) of a double x, each rounded to the nearest double (about). */
export function erfReference(x: number): { erf: number; erfc: number } {
  const bits = bitsFor(x * x) + 1100;
  const one = 1n << BigInt(bits);
  const sqrtPi = isqrt(pi(bits) << BigInt(bits));
  const erf = (2n * oddSeries(toFixed(x, bits), bits, 1n) * one) / sqrtPi;
  return { erf: toNumber(erf, bits), erfc: toNumber(one - erf, bits) };
}

/** gelu(x) = x·Φ(x) of a double x. */
export function geluReference(x: number): number {
  const bits = bitsFor((x * x) / 2) + 1100;
  const one = 1n << BigInt(bits);
  const sqrt2Pi = isqrt((2n * pi(bits)) << BigInt(bits));
  const X = toFixed(x, bits);
  const phi = one / 2n + (oddSeries(X, bits, 2n) * one) / sqrt2Pi;
  return toNumber((X * phi) >> BigInt(bits), bits);
}
