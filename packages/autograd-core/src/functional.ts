/**
 * Functional autodiff in the style of JAX and tfjs: transform a function of tensors
 * into one that returns its gradients (reverse mode) or tangents (forward mode).
 */
import { Tensor } from './tensor';
import {
  type Op,
  defineOp,
  isGradEnabled,
  runBackward,
  setTangent,
  withForwardLevel,
  withGradMode,
} from './engine';
import { formatShape, shapesEqual } from './shape';
import { isFloat } from './dtype';
import { onesLike, zerosLike } from './creation';
import { stack } from './ops/shape';
import { ShapeError, ValueError } from './errors';

/** A function of tensors returning a tensor. */
export type TensorFunction = (...args: Tensor[]) => Tensor;

// An identity that records a node, so a differentiation target stays connected to an outer graph.
const identityOp: Op<undefined> = defineOp({
  name: 'identity',
  forward: ([x]) => new Tensor(x.data, x.shape),
  vjp: (g) => [g],
  jvp: ([t]) => t!,
});

/**
 * Fresh differentiation targets for `args`: a new leaf when the argument is a plain
 * tensor, or an identity node when it already belongs to a graph being recorded
 * (so gradients of gradients flow back to the outer computation).
 */
function targetsFor(args: readonly Tensor[], outer: boolean): Tensor[] {
  return args.map((a) => {
    if (!(a instanceof Tensor)) throw new ValueError('grad: arguments must be Tensors');
    if (outer && a.requiresGrad) return identityOp([a], undefined);
    const leaf = a.detach();
    leaf.requiresGrad = isFloat(a.dtype);
    if (a.tangents) leaf.tangents = new Map(a.tangents); // keeps jvp of grad working
    return leaf;
  });
}

/** Reverse-mode gradients of `outputs` (seeded by `seeds`) with respect to `targets`. */
function gradientsOf(outputs: Tensor[], seeds: Tensor[], targets: Tensor[], outer: boolean): Tensor[] {
  const live = outputs.map((o) => o.requiresGrad);
  const roots = outputs.filter((_, i) => live[i]);
  const grads =
    roots.length > 0
      ? runBackward(
          roots,
          seeds.filter((_, i) => live[i]),
          { createGraph: outer, retainGraph: outer, accumulateLeaves: false, targets },
        )
      : new Map<Tensor, Tensor>();
  return targets.map((t) => grads.get(t) ?? zerosLike(t));
}

/** Whether the caller is itself being differentiated (then results keep their graph). */
function isOuterRecording(args: readonly Tensor[]): boolean {
  return isGradEnabled() && args.some((a) => a.requiresGrad);
}

/**
 * Returns [value, gradients]: the scalar output of `f` and its gradient with respect to
 * each argument listed in `argnums` (all by default).
 */
export function valueAndGrad(f: TensorFunction, argnums?: number | readonly number[]) {
  return (...args: Tensor[]): [Tensor, Tensor[]] => {
    const outer = isOuterRecording(args);
    const which =
      argnums === undefined ? args.map((_, i) => i) : typeof argnums === 'number' ? [argnums] : [...argnums];
    const inputs = [...args];
    const targets = targetsFor(
      which.map((i) => args[i]),
      outer,
    );
    which.forEach((i, k) => (inputs[i] = targets[k]));
    // Recording is on inside, even when called under noGrad (as jax.grad).
    const value = withGradMode(true, () => f(...inputs));
    if (!(value instanceof Tensor) || value.size !== 1) {
      throw new ShapeError(
        `grad: the function must return a scalar tensor, got ${value instanceof Tensor ? formatShape(value.shape) : typeof value}`,
      );
    }
    return [value, gradientsOf([value], [onesLike(value)], targets, outer)];
  };
}

/**
 * Transforms a scalar function into one returning its gradients (one per argument in `argnums`).
 * @example const [gx] = grad((x) => x.tanh().sum())(x);
 */
export function grad(f: TensorFunction, argnums?: number | readonly number[]) {
  const vg = valueAndGrad(f, argnums);
  return (...args: Tensor[]): Tensor[] => vg(...args)[1];
}

/** Returns [output, vjpFn]: vjpFn(cotangent) gives the cotangent's pullback for each argument. */
export function vjp(
  f: TensorFunction,
  primals: readonly Tensor[],
): [Tensor, (cotangent: Tensor) => Tensor[]] {
  const outer = isOuterRecording(primals);
  const targets = targetsFor(primals, outer);
  const out = withGradMode(true, () => f(...targets));
  return [
    out,
    (cotangent: Tensor) => {
      if (!shapesEqual(cotangent.shape, out.shape)) {
        throw new ShapeError(
          `vjp: cotangent of shape ${formatShape(cotangent.shape)} does not match output ${formatShape(out.shape)}`,
        );
      }
      // The graph is kept so the pullback can be applied to several cotangents.
      const live = out.requiresGrad;
      if (!live) return targets.map((t) => zerosLike(t));
      const grads = runBackward([out], [cotangent], {
        createGraph: outer,
        retainGraph: true,
        accumulateLeaves: false,
        targets,
      });
      return targets.map((t) => grads.get(t) ?? zerosLike(t));
    },
  ];
}

/**
 * Forward mode: runs `f` on dual tensors (value + tangent·ε, the dual numbers a + bε)
 * and returns [output, output tangent] — the directional derivative J·tangent.
 * Each call is its own level with its own ε, so jvp nests (jvp of jvp gives higher
 * derivatives) and composes with grad either way round.
 */
export function jvp(
  f: TensorFunction,
  primals: readonly Tensor[],
  tangents: readonly Tensor[],
): [Tensor, Tensor] {
  if (primals.length !== tangents.length) {
    throw new ValueError(`jvp: ${primals.length} primals but ${tangents.length} tangents`);
  }
  primals.forEach((p, i) => {
    const t = tangents[i];
    if (!shapesEqual(p.shape, t.shape)) {
      throw new ShapeError(
        `jvp: tangent ${i} has shape ${formatShape(t.shape)}, primal has ${formatShape(p.shape)}`,
      );
    }
  });
  return withForwardLevel((level) => {
    // The identity keeps what the primal carries: its graph and the tangents of outer jvps.
    const duals = primals.map((p, i) => {
      const dual = identityOp([p], undefined);
      setTangent(dual, level, tangents[i]);
      return dual;
    });
    const out = f(...duals);
    const tangent = out.tangents?.get(level) ?? zerosLike(out);
    out.tangents?.delete(level);
    return [out, tangent];
  });
}

/** The Jacobian of `f` at `x` (one argument), shape [...out.shape, ...x.shape]; for small inputs. */
export function jacobian(f: (x: Tensor) => Tensor) {
  return (x: Tensor): Tensor => {
    const [out, pullback] = vjp(f, [x]);
    const rows: Tensor[] = [];
    for (let i = 0; i < out.size; i++) {
      const e = zerosLike(out);
      e.data[i] = 1;
      rows.push(pullback(e)[0]);
    }
    return stack(rows, 0).reshape([...out.shape, ...x.shape]);
  };
}

/** The Hessian of a scalar function at `x`: the Jacobian of its gradient. */
export function hessian(f: (x: Tensor) => Tensor) {
  return jacobian((x: Tensor) => grad(f)(x)[0]);
}
