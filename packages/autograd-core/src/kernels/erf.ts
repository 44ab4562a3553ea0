/**
 * The error function and its complement in float64, accurate to a few ulps:
 * - |x| < 2: erf(x) = 2/√π · e^(−x²) · Σₙ 2ⁿ x^(2n+1) / (1·3·5···(2n+1)), a series of
 *   positive terms (no cancellation);
 * - |x| ≥ 2: erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), the
 *   continued fraction, evaluated backwards from a depth that converges for x ≥ 2.
 * Between 0.5 and 2, erfc = 1 − erf loses up to 2 digits (erfc(2) ≈ 4.7e-3).
 * e^(−x²) is computed as e^(−h²)·e^(−(x−h)(x+h)) with h = x cut to 26 significant bits, so
 * h² is exact and the rounding of x² is not magnified by exp at large x.
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;
/** Where the continued fraction takes over from the series. */
const SWITCH = 2;
const SPLIT = 134217729; // 2^27 + 1, Veltkamp's splitter

/** e^(−x²) without the error of rounding x². */
function expMinusSquare(x: number): number {
  const c = SPLIT * x;
  const h = c - (c - x); // the high 26 bits of x
  return Math.exp(-h * h) * Math.exp(-(x - h) * (x + h));
}

/** erf(x) for |x| < SWITCH from the positive series. */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * expMinusSquare(x) * sum;
}

/** erfc(x) for x ≥ SWITCH from the continued fraction. */
function erfcFraction(x: number): number {
  let f = x;
  for (let k = 60; k >= 1; k--) f = x + k / 2 / f;
  return (ONE_OVER_SQRT_PI * expMinusSquare(x)) / f;
}

/** The error function (odd; ±1 beyond |x| ≈ 5.9; NaN stays NaN). */
export function erf(x: number): number {
  const z = Math.abs(x);
  if (z < SWITCH) return erfSeries(x);
  if (!(z < 6)) return z === z ? Math.sign(x) : x;
  const r = 1 - erfcFraction(z);
  return x < 0 ? -r : r;
}

/** The complementary error function 1 − erf(x), accurate in the tail (erfc(10) ≈ 2.1e-45). */
export function erfc(x: number): number {
  if (x >= SWITCH) return x < 27 ? erfcFraction(x) : 0;
  if (x <= -SWITCH) return x > -6 ? 2 - erfcFraction(-x) : x === x ? 2 : x;
  return 1 - erfSeries(x);
}

/** x·Φ(x) = x/2 · erfc(−x/√2), the exact GELU, keeping its tail for negative x. */
export function gelu(x: number): number {
  return 0.5 * x * erfc(-x * Math.SQRT1_2);
}

/**
 * float32 versions (float32 has 24 bits: a 1.2e-7 relative fit suffices). erfc comes from
 * the Chebyshev fit of Numerical Recipes (relative error < 1.2e-7 over the whole line, tail
 * included); erf near 0 from its Taylor series, so erf(0) = 0 and small x keep their sign.
 */
function erfcFit(z: number): number {
  const t = 1 / (1 + 0.5 * z);
  const p =
    -1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return t * Math.exp(-z * z + p);
}

export function erf32(x: number): number {
  const z = Math.abs(x);
  if (z < 0.5) {
    const x2 = x * x;
    return (
      TWO_OVER_SQRT_PI * x * (1 - x2 * (1 / 3 - x2 * (1 / 10 - x2 * (1 / 42 - x2 * (1 / 216 - x2 / 1320)))))
    );
  }
  const r = 1 - erfcFit(z);
  return x < 0 ? -r : r;
}

export function gelu32(x: number): number {
  const v = -x * Math.SQRT1_2;
  return 0.5 * x * (v >= 0 ? erfcFit(v) : 2 - erfcFit(-v));
}
