/**
 * The error function and its complement in float64, accurate to a few ulps:
 * - |x| < 2: erf(x) = 2/√π · e^(−x²) · Σₙ 2ⁿ x^(2n+1) / (1·3·5···(2n+1)), a series of
 *   positive terms (no cancellation);
 * - x ≥ 2: erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), Laplace's
 *   continued fraction, evaluated backwards from a depth that converges for x ≥ 2;
 * - 0.5 ≤ x < 2, where erfc = 1 − erf would cancel: erfc's Taylor series about the nearest
 *   node x₀ of a grid of step 1/8, erfc(x₀ + h) = erfc(x₀) + 2/√π·e^(−x₀²)·Σₙ (−h)ⁿ Hₙ₋₁(x₀)/n!
 *   (the n-th derivative of e^(−x²) is (−1)ⁿ Hₙ(x) e^(−x²), Hₙ the Hermite polynomials, from
 *   Hₙ₊₁ = 2x Hₙ − 2n Hₙ₋₁). erfc(x₀) comes once, on first use, from the same continued
 *   fraction taken deep enough to converge at x₀ ≥ 0.5.
 * e^(−x²) is computed as e^(−h²)·e^(−(x−h)(x+h)) with h = x cut to 26 significant bits, so
 * h² is exact and the rounding of x² is not magnified by exp at large x.
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;
/** √½ − Math.SQRT1_2: with it, x·√½ is carried to about 106 bits. */
const SQRT1_2_LO = -4.833646656726457e-17;
/** Where the continued fraction takes over from the series. */
const SWITCH = 2;
const SPLIT = 134217729; // 2^27 + 1, Veltkamp's splitter

/** The high 26 bits of x (Veltkamp): h·h and h·y are exact for another such y. */
function high(x: number): number {
  const c = SPLIT * x;
  return c - (c - x);
}

/** e^(−x²) without the error of rounding x². */
function expMinusSquare(x: number): number {
  const h = high(x);
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

/** erfc(x) for x > 0 from the continued fraction with `depth` terms (60 converge for x ≥ 2). */
function erfcFraction(x: number, depth = 60): number {
  let f = x;
  for (let k = depth; k >= 1; k--) f = x + k / 2 / f;
  return (ONE_OVER_SQRT_PI * expMinusSquare(x)) / f;
}

const NODE_FIRST = 0.5;
const NODE_STEP = 0.125;
const NODE_COUNT = 13; // 0.5, 0.625, …, 2
/** erfc and 2/√π·e^(−x²) at the Taylor nodes, filled on first use. */
let nodes: { erfc: Float64Array; slope: Float64Array } | null = null;

function taylorNodes(): { erfc: Float64Array; slope: Float64Array } {
  if (!nodes) {
    const erfcAt = new Float64Array(NODE_COUNT);
    const slope = new Float64Array(NODE_COUNT);
    for (let k = 0; k < NODE_COUNT; k++) {
      const x0 = NODE_FIRST + k * NODE_STEP;
      // The fraction's error falls like e^(−2√(2n)·x): 2400/x² terms leave far below an ulp.
      erfcAt[k] = erfcFraction(x0, Math.ceil(2400 / (x0 * x0)));
      slope[k] = TWO_OVER_SQRT_PI * Math.exp(-x0 * x0);
    }
    nodes = { erfc: erfcAt, slope };
  }
  return nodes;
}

/** erfc(x) for NODE_FIRST − 1/16 ≤ x < SWITCH + 1/16 from the Taylor series about the nearest node. */
function erfcTaylor(x: number): number {
  const { erfc: erfcAt, slope } = taylorNodes();
  const k = Math.round((x - NODE_FIRST) / NODE_STEP);
  const x0 = NODE_FIRST + k * NODE_STEP;
  const h = x - x0; // exact: x and x0 are within a factor 2
  let hermitePrevious = 0; // H₋₁
  let hermite = 1; // H₀
  let power = 1; // (−h)ⁿ/n!
  let sum = 0;
  for (let n = 1; n < 40; n++) {
    power *= -h / n;
    const term = hermite * power;
    sum += term;
    if (Math.abs(term) <= 1e-18) break;
    const next = 2 * x0 * hermite - 2 * (n - 1) * hermitePrevious;
    hermitePrevious = hermite;
    hermite = next;
  }
  return erfcAt[k] + slope[k] * sum;
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
  if (x >= NODE_FIRST) return erfcTaylor(x);
  if (x <= -SWITCH) return x > -6 ? 2 - erfcFraction(-x) : x === x ? 2 : x;
  return 1 - erfSeries(x);
}

/**
 * erfc(−x/√2) = 2Φ(x), with −x/√2 carried as v + dv to about 106 bits (Dekker's exact
 * product) and erfc(v + dv) = erfc(v) − 2/√π·e^(−v²)·dv: the rounding of x/√2 would
 * otherwise cost up to 2v² ulps (2e-14 at x = −12).
 */
function erfcMinusXOverSqrt2(x: number): number {
  const v = -x * Math.SQRT1_2;
  const xh = high(x);
  const ch = high(Math.SQRT1_2);
  const xl = x - xh;
  const cl = Math.SQRT1_2 - ch;
  const product = x * Math.SQRT1_2;
  const error = xh * ch - product + xh * cl + xl * ch + xl * cl; // x·SQRT1_2 − product, exactly
  const dv = -(error + x * SQRT1_2_LO);
  const e = erfc(v);
  if (e === 0 || e === 2) return e;
  return e - TWO_OVER_SQRT_PI * expMinusSquare(v) * dv;
}

/** Φ(x), the standard normal distribution function, accurate in both tails. */
export function normalCdf(x: number): number {
  return 0.5 * erfcMinusXOverSqrt2(x);
}

/** x·Φ(x) = x/2 · erfc(−x/√2), the exact GELU, keeping its tail for negative x. */
export function gelu(x: number): number {
  return x * normalCdf(x);
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
