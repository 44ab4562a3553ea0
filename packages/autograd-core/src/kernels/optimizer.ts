/**
 * Optimiser updates over every parameter in one call (the TypeScript reference; the
 * wasm backend runs the same rules four lanes at a time). Each rule updates a
 * parameter in place from its gradient and its state arrays ("slots"), in Keras's form:
 *
 * - adam:    m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², p ← decay·p − α·m / (√v + ε), where the
 *            caller folds the bias correction into α = lr·√(1 − β₂ᵗ) / (1 − β₁ᵗ) and AdamW's
 *            decoupled weight decay into decay = 1 − lr·λ (1 for Adam). Slots [m, v].
 * - sgd:     with momentum μ > 0, u ← μu − lr·g, p ← p + u (Nesterov: p ← p + μu − lr·g);
 *            without, p ← p − lr·g. Slots [u] (none without momentum).
 * - rmsprop: a ← ρa + (1 − ρ)g², s = lr·g / (√a + ε); with momentum μ > 0, u ← μu + s,
 *            p ← p − u; without, p ← p − s. Slots [a] or [a, u].
 *
 * With `checkFinite`, every gradient is scanned first: if one holds NaN or ±Infinity,
 * nothing is updated and its position is returned.
 */
import type { TypedArray } from '../dtype';
import { indexOfNonFiniteKernel } from './finite';

export type UpdateRule =
  | { kind: 'adam'; alpha: number; beta1: number; beta2: number; epsilon: number; decay: number }
  | { kind: 'sgd'; learningRate: number; momentum: number; nesterov: boolean }
  | { kind: 'rmsprop'; learningRate: number; rho: number; momentum: number; epsilon: number };

/** One parameter's values, its gradient and its slots (in the rule's order), all of one length. */
export interface ParameterUpdate {
  param: TypedArray;
  grad: TypedArray;
  slots: TypedArray[];
  /** A factor the rule multiplies the gradient by (clipping by norm without a copy); default 1. */
  gradScale?: number;
  /** Where to copy the gradient (as given, unscaled) in the same pass: see scratch.ts `gradientStore`. */
  keepGrad?: TypedArray;
}

/** Where the first non-finite gradient value is: the item's position in the list and the flat index. */
export interface NonFinitePosition {
  item: number;
  index: number;
}

/** The first NaN or ±Infinity in `arrays`, or null. */
export function firstNonFinite(arrays: readonly TypedArray[]): NonFinitePosition | null {
  for (let item = 0; item < arrays.length; item++) {
    const index = indexOfNonFiniteKernel(arrays[item]);
    if (index >= 0) return { item, index };
  }
  return null;
}

/** Applies `rule` to every item (nothing when `checkFinite` finds a non-finite gradient, whose position it returns). */
export function optimizerStepKernel(
  rule: UpdateRule,
  items: readonly ParameterUpdate[],
  checkFinite: boolean,
): NonFinitePosition | null {
  if (checkFinite) {
    const bad = firstNonFinite(items.map((u) => u.grad));
    if (bad) return bad;
  }
  for (const { param, grad, slots, gradScale, keepGrad } of items) {
    const g = gradScale === undefined || gradScale === 1 ? grad : scaled(grad, gradScale);
    if (rule.kind === 'adam') adam(rule, param, g, slots[0], slots[1]);
    else if (rule.kind === 'sgd') sgd(rule, param, g, slots[0]);
    else rmsprop(rule, param, g, slots[0], slots[1]);
    keepGrad?.set(grad);
  }
  return null;
}

/** A copy of `g` times `scale` (in g's precision). */
function scaled(g: TypedArray, scale: number): TypedArray {
  const out = g.slice();
  for (let i = 0; i < out.length; i++) out[i] *= scale;
  return out;
}

function adam(
  { alpha, beta1, beta2, epsilon, decay }: Extract<UpdateRule, { kind: 'adam' }>,
  p: TypedArray,
  g: TypedArray,
  m: TypedArray,
  v: TypedArray,
): void {
  if (decay !== 1) for (let i = 0; i < p.length; i++) p[i] *= decay;
  for (let i = 0; i < p.length; i++) {
    m[i] = beta1 * m[i] + (1 - beta1) * g[i];
    v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
    p[i] -= (alpha * m[i]) / (Math.sqrt(v[i]) + epsilon);
  }
}

function sgd(
  { learningRate: lr, momentum, nesterov }: Extract<UpdateRule, { kind: 'sgd' }>,
  p: TypedArray,
  g: TypedArray,
  u: TypedArray | undefined,
): void {
  if (!u || momentum === 0) {
    for (let i = 0; i < p.length; i++) p[i] -= lr * g[i];
    return;
  }
  for (let i = 0; i < p.length; i++) {
    u[i] = momentum * u[i] - lr * g[i];
    p[i] += nesterov ? momentum * u[i] - lr * g[i] : u[i];
  }
}

function rmsprop(
  { learningRate: lr, rho, momentum, epsilon }: Extract<UpdateRule, { kind: 'rmsprop' }>,
  p: TypedArray,
  g: TypedArray,
  a: TypedArray,
  u: TypedArray | undefined,
): void {
  for (let i = 0; i < p.length; i++) {
    a[i] = rho * a[i] + (1 - rho) * g[i] * g[i];
    const step = (lr * g[i]) / (Math.sqrt(a[i]) + epsilon);
    if (u && momentum > 0) {
      u[i] = momentum * u[i] + step;
      p[i] -= u[i];
    } else p[i] -= step;
  }
}

/** A zeroed float32 array for long-lived data such as parameters and optimiser moments. */
export function stateArrayKernel(length: number): Float32Array {
  return new Float32Array(length);
}
