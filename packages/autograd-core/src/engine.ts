/**
 * The autograd engine: records ops as they run, walks the graph backwards
 * (reverse-mode, VJP rules) and pushes tangents forwards (forward-mode, JVP rules).
 *
 * An op is defined once with `defineOp`: a forward that computes with kernels, and
 * vjp/jvp rules written with Tensor ops. Because the rules are ordinary ops, running
 * them with recording on (`createGraph`) makes gradients differentiable again.
 */
import { type Tensor, emptyTensor } from './tensor';
import { getBackend } from './backend';
import { type Shape, formatShape, shapesEqual } from './shape';
import { isFloat } from './dtype';
import { ShapeError, ZenError } from './errors';

let gradEnabled = true;

/*
 * Forward mode, one level per running jvp (JAX's tagged interpreters): each jvp call gets
 * a fresh level number and a tensor keeps its tangents keyed by level. A tangent of level
 * L may itself carry tangents of the levels outside L (those started before it), which is
 * how jvp(jvp(f)) holds the mixed second-order terms. An op computes the tangent of each
 * level L its inputs carry, with only the levels outside L visible, so the rule's own ops
 * propagate those outer tangents (and never L's own second order, which is zero).
 * Tangents of a level whose jvp has returned are ignored: backward through a graph
 * recorded inside a jvp (grad of jvp) meets them, and there they are constants.
 */
let nextLevel = 1;
/** The running jvp levels, outermost first. */
const runningLevels: number[] = [];
/** How many of `runningLevels` ops see now (fewer while an inner level's rule runs). */
let visibleLevels = 0;

/** Whether ops currently record the graph. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` with graph recording set to `enabled`, restoring the previous mode afterwards. */
export function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/** Runs `fn` without recording the graph (inference, optimiser updates). */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** @internal Runs `fn(level)` as a new forward-mode level, inside the running ones. */
export function withForwardLevel<T>(fn: (level: number) => T): T {
  const level = nextLevel++;
  const previousVisible = visibleLevels;
  const previousLength = runningLevels.length;
  runningLevels.push(level);
  visibleLevels = runningLevels.length;
  try {
    return fn(level);
  } finally {
    runningLevels.length = previousLength;
    visibleLevels = previousVisible;
  }
}

/** Runs `fn` seeing only the levels outside the visible level at `index`. */
function withLevelsOutside<T>(index: number, fn: () => T): T {
  const previous = visibleLevels;
  visibleLevels = index;
  try {
    return fn();
  } finally {
    visibleLevels = previous;
  }
}

/** The output tangents of one op: for each visible level its inputs carry, the op's jvp rule. */
function propagateTangents<A>(def: OpDef<A>, inputs: readonly Tensor[], output: Tensor, attrs: A): void {
  for (let index = 0; index < visibleLevels; index++) {
    const level = runningLevels[index];
    const tangents = inputs.map((t) => t.tangents?.get(level) ?? null);
    if (tangents.every((t) => t === null)) continue;
    const tangent = withLevelsOutside(index, () => {
      const t = def.jvp!(tangents, inputs, output, attrs);
      return shapesEqual(t.shape, output.shape) ? t : shapeOps!.broadcastTo(t, output.shape);
    });
    setTangent(output, level, tangent);
  }
}

/** @internal Sets the tangent of `t` at forward-mode level `level`. */
export function setTangent(t: Tensor, level: number, tangent: Tensor): void {
  (t.tangents ??= new Map()).set(level, tangent);
}

/**
 * A gradient that is zero outside one box of its input: what a slice's rule returns.
 * The engine adds `value` into that box of the input's running sum, instead of
 * materialising a zero-padded copy per contribution — so the T slices of a sequence
 * cost O(T) in backward, not O(T²). When the backward pass is itself recorded
 * (`createGraph`), it becomes a differentiable pad.
 */
export class BoxGradient {
  constructor(
    /** The gradient inside the box. */
    readonly value: Tensor,
    /** Where the box starts in the input. */
    readonly begin: readonly number[],
  ) {}
}

/** A differentiable op: kernel-backed forward plus derivative rules written with Tensor ops. */
export interface OpDef<A> {
  name: string;
  /** Computes the output from the inputs' data; must not record anything. */
  forward(inputs: readonly Tensor[], attrs: A): Tensor;
  /**
   * Reverse mode: given the output gradient, the gradient for each input (or null).
   * `needs[i]` says whether input i wants one, so unused work can be skipped.
   * Results may have the broadcast output shape: the engine sums them down to each input's shape.
   * A rule whose gradient is zero outside a box of the input may return a `BoxGradient`.
   */
  vjp?(
    grad: Tensor,
    inputs: readonly Tensor[],
    output: Tensor,
    attrs: A,
    needs: readonly boolean[],
  ): (Tensor | BoxGradient | null)[];
  /** Forward mode: the output tangent from the inputs' tangents (null means zero). */
  jvp?(tangents: readonly (Tensor | null)[], inputs: readonly Tensor[], output: Tensor, attrs: A): Tensor;
  /**
   * True when the vjp only views the gradient's data in another shape (reshape): the
   * engine then passes on a gradient still being computed (kernels/deferred.ts) unsettled.
   */
  viewsGradient?: boolean;
}

/** @internal How a recorded tensor was produced. */
export interface GraphNode {
  op: OpDef<unknown>;
  inputs: readonly Tensor[];
  attrs: unknown;
  freed: boolean;
}

/** A recorded op as a function of its inputs and attributes. */
export type Op<A> = (inputs: readonly Tensor[], attrs: A) => Tensor;

/** Turns an op definition into a function that runs it and records it for autograd. */
export function defineOp<A = undefined>(def: OpDef<A>): Op<A> {
  return (inputs, attrs) => {
    const output = def.forward(inputs, attrs);
    if (!def.vjp || !isFloat(output.dtype)) return output;
    if (gradEnabled && inputs.some((t) => t.requiresGrad)) {
      output.requiresGrad = true;
      output.node = { op: def as OpDef<unknown>, inputs, attrs, freed: false };
    }
    if (visibleLevels > 0 && def.jvp && inputs.some((t) => t.tangents !== null)) {
      propagateTangents(def, inputs, output, attrs);
    }
    return output;
  };
}

/** The hook ops register to reduce and expand gradients (keeps the engine free of op imports). */
interface ShapeOps {
  sumToShape(t: Tensor, shape: Shape): Tensor;
  broadcastTo(t: Tensor, shape: Shape): Tensor;
  add(a: Tensor, b: Tensor): Tensor;
  onesLike(t: Tensor): Tensor;
  astype(t: Tensor, like: Tensor): Tensor;
  /** Places `t` into zeros of `shape` at offset `begin` (differentiable). */
  padInto(t: Tensor, begin: readonly number[], shape: Shape): Tensor;
}
let shapeOps: ShapeOps | null = null;

/** @internal Called once by the ops module. */
export function registerShapeOps(ops: ShapeOps): void {
  shapeOps = ops;
}

export interface BackwardOptions {
  /** Keep the graph so backward can run through it again. Default: same as createGraph. */
  retainGraph?: boolean;
  /** Record the backward pass itself, so the gradients can be differentiated again. */
  createGraph?: boolean;
}

/** Iterative post-order DFS: every node reachable from `roots` once, inputs before users. */
function topologicalOrder(roots: readonly Tensor[], stopAt: ReadonlySet<Tensor> | null): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: [Tensor, number][] = [];
  for (const root of roots) {
    if (visited.has(root)) continue;
    visited.add(root);
    stack.push([root, 0]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const [t, next] = top;
      const node = t.node;
      const inputs = node && !(stopAt && stopAt.has(t)) ? node.inputs : [];
      if (node && node.freed && !(stopAt && stopAt.has(t))) {
        throw new ZenError(
          `backward: the graph through op '${node.op.name}' was freed by an earlier backward(); ` +
            'pass { retainGraph: true } to the first call to backward through it twice',
        );
      }
      if (next < inputs.length) {
        top[1] = next + 1;
        const child = inputs[next];
        if (child.requiresGrad && !visited.has(child)) {
          visited.add(child);
          stack.push([child, 0]);
        }
      } else {
        stack.pop();
        order.push(t);
      }
    }
  }
  return order;
}

interface RunOptions {
  createGraph: boolean;
  retainGraph: boolean;
  /** Accumulate into leaves' `.grad` (backward) or only return the map (functional API). */
  accumulateLeaves: boolean;
  /** Tensors whose gradient is wanted; the walk does not go past them. */
  targets: readonly Tensor[] | null;
}

/** @internal The reverse sweep shared by `Tensor.backward` and the functional API. */
export function runBackward(
  roots: readonly Tensor[],
  seeds: readonly Tensor[],
  options: RunOptions,
): Map<Tensor, Tensor> {
  const stopAt = options.targets ? new Set(options.targets) : null;
  const order = topologicalOrder(roots, stopAt);
  const grads = new Map<Tensor, Tensor>();
  const ops = shapeOps!;
  // Sums this sweep allocated, by the tensor they belong to: later contributions are added
  // into them in place (unless recording), which saves one allocation per contribution
  // (an RNN's input projection receives one per time step). Contributions themselves may
  // be shared with other entries, so they are never written to.
  const ownSums = new Map<Tensor, Tensor>();
  // In-place sums would drop the contributions' forward-mode tangents (jvp of grad).
  const inPlace = !options.createGraph && visibleLevels === 0;
  // A weight gradient a helper thread may still be computing (kernels/deferred.ts) is
  // finished before anything reads it.
  const backend = getBackend();
  const settled = (g: Tensor): Tensor => {
    if (backend.isDeferred(g.data)) backend.settleDeferred();
    return g;
  };
  const accumulate = (t: Tensor, g: Tensor) => {
    const previous = grads.get(t);
    if (!previous) {
      grads.set(t, g);
      return;
    }
    settled(previous);
    settled(g);
    if (inPlace && ownSums.get(t) === previous) {
      getBackend().binary('add', previous.data, 1, g.data, 1, previous.data);
    } else {
      const sum = ops.add(previous, g);
      if (inPlace) ownSums.set(t, sum);
      grads.set(t, sum);
    }
  };
  // Adds a box gradient into the box of t's running sum (not recording: see BoxGradient).
  const accumulateBox = (t: Tensor, box: BoxGradient) => {
    let sum = grads.get(t);
    if (sum) settled(sum);
    if (!sum || ownSums.get(t) !== sum) {
      const fresh = emptyTensor(t.shape, t.dtype);
      if (sum) fresh.data.set(sum.data);
      ownSums.set(t, fresh);
      grads.set(t, fresh);
      sum = fresh;
    }
    const v = box.value;
    getBackend().copyBox(
      v.data,
      v.shape,
      new Array<number>(v.ndim).fill(0),
      sum.data,
      t.shape,
      box.begin,
      v.shape,
      'add',
    );
  };
  withGradMode(options.createGraph, () => {
    roots.forEach((r, i) => accumulate(r, seeds[i]));
    try {
      for (let i = order.length - 1; i >= 0; i--) {
        const t = order[i];
        const g = grads.get(t);
        const node = t.node;
        if (!g || !node || (stopAt && stopAt.has(t))) continue;
        const needs = node.inputs.map((x) => x.requiresGrad);
        const inputGrads = node.op.vjp!(
          node.op.viewsGradient ? g : settled(g),
          node.inputs,
          t,
          node.attrs,
          needs,
        );
        node.inputs.forEach((x, j) => {
          let gx = inputGrads[j];
          if (!needs[j] || !gx) return;
          if (gx instanceof BoxGradient) {
            if (inPlace) return accumulateBox(x, gx);
            gx = ops.padInto(gx.value, gx.begin, x.shape);
          }
          let reduced = shapesEqual(gx.shape, x.shape) ? gx : ops.sumToShape(settled(gx), x.shape);
          if (reduced.dtype !== x.dtype) reduced = ops.astype(settled(reduced), x);
          accumulate(x, reduced);
        });
        if (!options.retainGraph) {
          node.freed = true;
          if (!options.targets) grads.delete(t); // intermediate gradients are no longer needed
        }
      }
    } finally {
      backend.settleDeferred(); // also after a failed rule: nothing may still write
    }
    if (options.accumulateLeaves) {
      for (const t of order) {
        const g = grads.get(t);
        if (!t.node && g) {
          const value = options.createGraph ? g : g.detach();
          t.grad = t.grad ? ops.add(t.grad, value) : value;
        }
      }
    }
  });
  if (!options.retainGraph)
    for (const t of order) if (t.node) (t.node as { inputs: readonly Tensor[] }).inputs = [];
  return grads;
}

/**
 * Backpropagates from `root`, accumulating gradients into every leaf's `.grad`.
 * `seed` defaults to 1 and is required when `root` is not a scalar.
 */
export function backward(root: Tensor, seed?: Tensor, options: BackwardOptions = {}): void {
  if (!root.requiresGrad) {
    throw new ZenError(
      'backward: tensor does not require grad (no input had requiresGrad: true, or it ran under noGrad)',
    );
  }
  if (!seed && root.size !== 1) {
    throw new ShapeError(
      `backward: output of shape ${formatShape(root.shape)} is not a scalar; pass a gradient of the same shape`,
    );
  }
  if (seed && !shapesEqual(seed.shape, root.shape)) {
    throw new ShapeError(
      `backward: gradient of shape ${formatShape(seed.shape)} does not match output shape ${formatShape(root.shape)}`,
    );
  }
  const createGraph = options.createGraph ?? false;
  runBackward([root], [seed ?? shapeOps!.onesLike(root)], {
    createGraph,
    retainGraph: options.retainGraph ?? createGraph,
    accumulateLeaves: true,
    targets: null,
  });
}
