/**
 * Gradient checking: compares autograd's gradients with central finite differences,
 * f'(x) ≈ (f(x + ε) − f(x − ε)) / 2ε, in float64. Non-scalar outputs are reduced to a
 * scalar by a fixed random projection ⟨w, f(x)⟩, which checks the VJP in direction w.
 */
import { type Tensor } from './tensor';
import { grad } from './functional';
import { noGrad } from './engine';
import { formatShape } from './shape';
import { makeGenerator } from './random';
import { rand } from './creation';
import { DTypeError, ValueError, ZenError } from './errors';

export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-3). */
  rtol?: number;
  /** Throw when the check fails (default true); otherwise only report. */
  raiseException?: boolean;
}

export interface GradcheckReport {
  ok: boolean;
  /** Largest |analytic − numeric| over all checked elements. */
  maxAbsError: number;
  /** Where it occurred. */
  worst: { input: number; index: number; analytic: number; numeric: number } | null;
  /** How many elements were compared. */
  checked: number;
}

type ScalarFunction = (...args: Tensor[]) => Tensor;

/** Reduces a tensor-valued `f` to the scalar ⟨w, f(x)⟩ with a fixed random w. */
function projected(f: ScalarFunction, args: readonly Tensor[]): ScalarFunction {
  const probe = noGrad(() => f(...args.map((a) => a.detach())));
  if (probe.size === 1) return (...xs) => f(...xs).sum();
  const weights = rand(probe.shape, {
    dtype: 'float64',
    generator: makeGenerator('gradcheck'),
    low: -1,
    high: 1,
  });
  return (...xs) =>
    f(...xs)
      .mul(weights)
      .sum();
}

/**
 * Checks autograd's gradient of `f` against finite differences for every float64
 * input with `requiresGrad`. Returns a report; throws naming the worst element when it fails.
 */
export function gradcheck(
  f: ScalarFunction,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): GradcheckReport {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  const checkedInputs = inputs.map((x, i) => {
    if (x.requiresGrad && x.dtype !== 'float64') {
      throw new DTypeError(
        `gradcheck: input ${i} is ${x.dtype}; finite differences need float64 (use { dtype: 'float64' })`,
      );
    }
    return x.requiresGrad;
  });
  const argnums = checkedInputs.flatMap((c, i) => (c ? [i] : []));
  if (argnums.length === 0) throw new ValueError('gradcheck: no input has requiresGrad: true');
  const scalar = projected(f, inputs);
  const analytic = grad(scalar, argnums)(...inputs.map((x) => x.detach()));
  const evaluate = () => noGrad(() => scalar(...inputs.map((x) => x.detach())).item());
  const report: GradcheckReport = { ok: true, maxAbsError: 0, worst: null, checked: 0 };
  let worstExcess = -Infinity;
  argnums.forEach((inputIndex, k) => {
    const x = inputs[inputIndex];
    const g = analytic[k];
    for (let i = 0; i < x.size; i++) {
      const original = x.data[i];
      x.data[i] = original + eps;
      const plus = evaluate();
      x.data[i] = original - eps;
      const minus = evaluate();
      x.data[i] = original;
      const numeric = (plus - minus) / (2 * eps);
      const a = g.data[i];
      const error = Math.abs(a - numeric);
      const allowed = atol + rtol * Math.abs(numeric);
      report.checked++;
      if (error > report.maxAbsError || Number.isNaN(error))
        report.maxAbsError = Number.isNaN(error) ? NaN : error;
      const excess = Number.isNaN(error) ? Infinity : error - allowed;
      if (excess > worstExcess) {
        worstExcess = excess;
        report.worst = { input: inputIndex, index: i, analytic: a, numeric };
      }
      if (!(error <= allowed)) report.ok = false;
    }
  });
  if (!report.ok && options.raiseException !== false) {
    const w = report.worst!;
    throw new ZenError(
      `gradcheck: gradient of input ${w.input} (shape ${formatShape(inputs[w.input].shape)}) at flat index ${w.index}: ` +
        `analytic ${w.analytic} vs numeric ${w.numeric} (atol ${atol}, rtol ${rtol})`,
    );
  }
  return report;
}

/**
 * Second-order check: gradchecks x ↦ ⟨∇f(x), v⟩ for a fixed random v, which exercises
 * the derivative of every backward rule (createGraph).
 */
export function gradgradcheck(
  f: ScalarFunction,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): GradcheckReport {
  const scalar = projected(f, inputs);
  const argnums = inputs.flatMap((x, i) => (x.requiresGrad ? [i] : []));
  const generator = makeGenerator('gradgradcheck');
  const directions = argnums.map((i) =>
    rand(inputs[i].shape, { dtype: 'float64', generator, low: -1, high: 1 }),
  );
  const gradientDotV = (...xs: Tensor[]) => {
    const gs = grad(scalar, argnums)(...xs);
    return gs.reduce((total: Tensor | null, g, k) => {
      const term = g.mul(directions[k]).sum();
      return total ? total.add(term) : term;
    }, null)!;
  };
  return gradcheck(gradientDotV, inputs, options);
}
