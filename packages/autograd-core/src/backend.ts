/**
 * The kernel registry. Every kernel is looked up by (kernel, backend): the 'ts'
 * backend registers all of them and is the oracle; another backend registers any
 * subset, and a kernel it lacks is the 'ts' one (the only fallback rule). Ops call
 * kernels through `getBackend()`, once per kernel call.
 *
 * Nothing happens at import: a backend is registered as a factory, and the default
 * (the registered backend of highest priority that initialises here) is chosen on
 * first use, synchronously, or by `ready()`, which may compile asynchronously.
 */
import type { TypedArray } from './dtype';
import type { activationKernel } from './kernels/activations';
import type { WindowGeometry, col2im, im2col, maxPoolKernel } from './kernels/conv';
import type {
  binaryKernel,
  biasActivationKernel,
  broadcastCopy,
  unaryKernel,
  whereKernel,
} from './kernels/elementwise';
import type {
  gatherAxisKernel,
  oneHotKernel,
  scatterAddAxisKernel,
  scatterAddFlatKernel,
  takeFlatKernel,
} from './kernels/gather';
import type { copyBox, permuteKernel } from './kernels/layout';
import type { GemmKernel } from './kernels/matmul';
import type { reduceAxisKernel, sumOfSquaresKernel } from './kernels/reduce';
import type { softmaxKernel } from './kernels/softmax';
import type {
  softmaxCrossEntropyBackward,
  softmaxCrossEntropyDenseBackward,
  softmaxCrossEntropyDenseForward,
  softmaxCrossEntropyForward,
} from './kernels/softmax-cross-entropy';
import type { attentionBackward, attentionForward } from './kernels/attention';
import type { geluKernel } from './kernels/gelu';
import type { geluBackwardKernel } from './kernels/gelu-backward';
import type { layerNormBackward, layerNormForward } from './kernels/layer-norm';
import type { tanhRecurrenceBackwardKernel, tanhRecurrenceKernel } from './kernels/recurrence';
import type { gemmBiasKernel } from './kernels/gemm-bias';
import type { biasActivationGradKernel } from './kernels/bias-activation-grad';
import type { indexOfNonFiniteKernel } from './kernels/finite';
import type { ConvBiasActivationBackward, ConvBiasActivationForward } from './kernels/conv-bias-activation';
import type { optimizerStepKernel, stateArrayKernel } from './kernels/optimizer';
import type { scratchArenaKernel } from './kernels/scratch';
import type { deferWeightGradientKernel, isDeferredKernel, settleDeferredKernel } from './kernels/deferred';
import { tsKernels } from './kernels';
import { ValueError } from './errors';

/**
 * Every kernel, by name. The contracts are those of the TypeScript kernels named here
 * (kernels/): same arguments, same results, outputs written in place.
 */
export interface Kernels {
  /** C = op(A)·op(B), one row-major product (`gemmReference` states the exact contract). */
  gemm: GemmKernel;
  /** out = conv2d(x, filters): NHWC x, filters [kh, kw, C, F], out [N, outH, outW, F]. */
  conv2d(x: TypedArray, filters: TypedArray, g: WindowGeometry, outChannels: number, out: TypedArray): void;
  /** dx = the gradient of conv2d with respect to x, given dy. */
  conv2dBackpropInput(
    dy: TypedArray,
    filters: TypedArray,
    g: WindowGeometry,
    outChannels: number,
    dx: TypedArray,
  ): void;
  /** dFilters = the gradient of conv2d with respect to the filters, given dy. */
  conv2dBackpropFilter(
    x: TypedArray,
    dy: TypedArray,
    g: WindowGeometry,
    outChannels: number,
    dFilters: TypedArray,
  ): void;
  /** act(conv2d(x, filters) + bias) and its gradients, one call each (kernels/conv-bias-activation.ts). */
  conv2dBiasActivation: ConvBiasActivationForward;
  conv2dBiasActivationBackward: ConvBiasActivationBackward;
  /** Each window's maximum and the flat index of its first maximum (NaN wins): `maxPoolKernel`. */
  maxPool2d: typeof maxPoolKernel;
  /** Every receptive field as a row (`im2col`), and its adjoint (`col2im`). */
  im2col: typeof im2col;
  col2im: typeof col2im;
  /** Elementwise: `binaryKernel`, `unaryKernel`, `activationKernel`, `whereKernel`. */
  binary: typeof binaryKernel;
  unary: typeof unaryKernel;
  activation: typeof activationKernel;
  where: typeof whereKernel;
  /** act(z + bias) in one pass: `biasActivationKernel`. */
  biasActivation: typeof biasActivationKernel;
  /** Its first-order gradients, dz = g·act'(y) and the bias gradient, in one pass (kernels/bias-activation-grad.ts). */
  biasActivationGrad: typeof biasActivationGradKernel;
  /** Reductions along one axis of [outer, n, inner]: `reduceAxisKernel`, `softmaxKernel`. */
  reduceAxis: typeof reduceAxisKernel;
  /** Σ x² of an array in double precision (clipping by norm): `sumOfSquaresKernel`. */
  sumOfSquares: typeof sumOfSquaresKernel;
  softmax: typeof softmaxKernel;
  /** Softmax cross-entropy with integer labels, row by row, and its gradient (kernels/softmax-cross-entropy.ts). */
  softmaxCrossEntropy: typeof softmaxCrossEntropyForward;
  softmaxCrossEntropyBackward: typeof softmaxCrossEntropyBackward;
  softmaxCrossEntropyDense: typeof softmaxCrossEntropyDenseForward;
  softmaxCrossEntropyDenseBackward: typeof softmaxCrossEntropyDenseBackward;
  /** Fused scaled dot-product attention, per head, around the gemm it is given (kernels/attention.ts). */
  attentionForward: typeof attentionForward;
  attentionBackward: typeof attentionBackward;
  /** GELU or its derivative in one pass (kernels/gelu.ts). */
  gelu: typeof geluKernel;
  /** g ⊙ gelu′(x) in one pass (kernels/gelu-backward.ts). */
  geluBackward: typeof geluBackwardKernel;
  /** Layer normalisation over the last axis and its backward pass (kernels/layer-norm.ts). */
  layerNorm: typeof layerNormForward;
  layerNormBackward: typeof layerNormBackward;
  /** A simple RNN's whole tanh recurrence and its backpropagation through time, one call each (kernels/recurrence.ts). */
  tanhRecurrence: typeof tanhRecurrenceKernel;
  tanhRecurrenceBackward: typeof tanhRecurrenceBackwardKernel;
  /** C = A·B + bias over rows, one call (kernels/gemm-bias.ts). */
  gemmBias: typeof gemmBiasKernel;
  /** A weight gradient xᵀ·g a helper thread may finish later, and the means to wait for it (kernels/deferred.ts). */
  deferWeightGradient: typeof deferWeightGradientKernel;
  settleDeferred: typeof settleDeferredKernel;
  isDeferred: typeof isDeferredKernel;
  /** Layout: `broadcastCopy`, `permuteKernel`, `copyBox`. */
  broadcast: typeof broadcastCopy;
  permute: typeof permuteKernel;
  copyBox: typeof copyBox;
  /** Gather and scatter-add (kernels/gather.ts). */
  takeFlat: typeof takeFlatKernel;
  scatterAddFlat: typeof scatterAddFlatKernel;
  gatherAxis: typeof gatherAxisKernel;
  scatterAddAxis: typeof scatterAddAxisKernel;
  oneHot: typeof oneHotKernel;
  /** The index of the first NaN or ±Infinity of a data array, or −1 (kernels/finite.ts). */
  indexOfNonFinite: typeof indexOfNonFiniteKernel;
  /** One optimiser update over every parameter, with an optional non-finite gradient scan (kernels/optimizer.ts). */
  optimizerStep: typeof optimizerStepKernel;
  /** A zeroed float32 array for long-lived data (parameters, optimiser slots) that the backend's kernels read in place. */
  stateArray: typeof stateArrayKernel;
  /** Memory for float32 tensors made inside a scratch scope (scratch.ts), or null to use ordinary arrays. */
  scratchArena: typeof scratchArenaKernel;
}

/** The name of a kernel in the registry. */
export type KernelName = keyof Kernels;

/** A backend as ops see it: its name and every kernel (its own or the 'ts' one). */
export interface Backend extends Kernels {
  readonly name: string;
  /** Threads its kernels run on: 1, or 1 + the helper threads that join large products. */
  readonly threads: number;
}

/** What a backend provides: a name and any subset of the kernels. */
export type BackendKernels = { readonly name: string } & Partial<Kernels>;

/** How a backend is brought up: synchronously, and optionally asynchronously (browsers). */
export interface BackendFactory {
  /** The default backend is the one of highest priority that initialises (default 0; 'ts' is 0). */
  priority?: number;
  /** Builds the backend's kernels here and now (and says on how many threads), or says why it cannot run here. */
  init(): BackendInit;
  /** The same without blocking (used by `ready()`); defaults to `init`. */
  initAsync?(): Promise<BackendInit>;
}

/** What a backend factory returns. */
export type BackendInit = (Partial<Kernels> & { threads?: number }) | { error: string };

interface Entry {
  factory: BackendFactory;
  /** Set once the factory has run. */
  state?: 'ready' | { error: string };
  /** Registration order, which breaks priority ties. */
  order: number;
}

/** The TypeScript backend: every kernel, for every dtype. */
export const tsBackend: Backend = { ...tsKernels, name: 'ts', threads: 1 };

const entries = new Map<string, Entry>([['ts', { factory: { init: () => ({}) }, state: 'ready', order: 0 }]]);
/** The (kernel, backend) table: backend name → its own kernels. */
const registered = new Map<string, Partial<Kernels>>([['ts', tsBackend]]);
/** Threads of each initialised backend other than 'ts'. */
const threadCounts = new Map<string, number>();
/** Resolved backends (own kernels over the 'ts' ones), rebuilt when a kernel is registered. */
const resolved = new Map<string, Backend>();
let active: Backend | null = null;

/** Registers one kernel of one backend (replacing any earlier one). */
export function registerKernel<K extends KernelName>(kernel: K, backend: string, fn: Kernels[K]): void {
  const own = registered.get(backend) ?? {};
  own[kernel] = fn;
  registered.set(backend, own);
  resolved.clear();
  if (active) active = resolve(active.name);
}

/** The kernel a backend runs for `kernel`: its own, or the 'ts' one. */
export function getKernel<K extends KernelName>(kernel: K, backend: string): Kernels[K] {
  return resolve(backend)[kernel];
}

function resolve(name: string): Backend {
  if (name === 'ts') return tsBackend;
  let backend = resolved.get(name);
  if (!backend) {
    backend = { ...tsBackend, ...registered.get(name), name, threads: threadCounts.get(name) ?? 1 };
    resolved.set(name, backend);
  }
  return backend;
}

/**
 * Makes a backend available to `setBackend`: either its kernels (`registerBackend({ name,
 * gemm })`, registered at once), or a name and a factory run on first use.
 */
export function registerBackend(backend: BackendKernels): void;
export function registerBackend(name: string, factory: BackendFactory): void;
export function registerBackend(backend: BackendKernels | string, factory?: BackendFactory): void {
  const name = typeof backend === 'string' ? backend : backend.name;
  if (name === 'ts') throw new ValueError("registerBackend: 'ts' is the built-in reference backend");
  forget(name);
  if (typeof backend === 'string') {
    if (!factory)
      throw new ValueError(`registerBackend: '${backend}' needs a factory ({ init, initAsync?, priority? })`);
    entries.set(name, { factory, order: entries.size });
    return;
  }
  const { name: _name, ...kernels } = backend;
  const entry: Entry = { factory: { init: () => kernels }, order: entries.size };
  entries.set(name, entry);
  install(name, entry, kernels);
}

/** Drops a backend's kernels (before it is registered again). */
function forget(name: string): void {
  registered.delete(name);
  resolved.clear();
  if (active?.name === name) active = null;
}

function install(name: string, entry: Entry, kernels: BackendInit): boolean {
  if ('error' in kernels) {
    entry.state = { error: String(kernels.error) };
    return false;
  }
  threadCounts.set(name, kernels.threads ?? 1);
  for (const kernel of Object.keys(tsKernels) as KernelName[]) {
    const fn = kernels[kernel];
    if (fn) registerKernel(kernel, name, fn);
  }
  entry.state = 'ready';
  return true;
}

/** Initialises a registered backend synchronously; true if it runs here. */
function initialise(name: string, entry: Entry): boolean {
  if (entry.state) return entry.state === 'ready';
  return install(name, entry, entry.factory.init());
}

/** Registered backends, highest priority first. */
function byPriority(): [string, Entry][] {
  return [...entries].sort(
    ([, a], [, b]) => (b.factory.priority ?? 0) - (a.factory.priority ?? 0) || a.order - b.order,
  );
}

/** Selects the kernels every op uses from now on ('ts', or 'wasm' where available). */
export function setBackend(name: string): void {
  const entry = entries.get(name);
  if (!entry || !initialise(name, entry)) {
    const state = entry?.state;
    const reason = state && state !== 'ready' ? ` (${state.error})` : '';
    throw new ValueError(
      `setBackend: unknown backend '${name}'${reason} (available: ${listBackends().join(', ')})`,
    );
  }
  active = resolve(name);
}

/** The backend currently in use; the first call initialises the default one. */
export function getBackend(): Backend {
  if (active) return active;
  for (const [name, entry] of byPriority()) {
    if (initialise(name, entry)) return (active = resolve(name));
  }
  return (active = resolve('ts'));
}

/**
 * Initialises the default backend, without blocking where the runtime can compile
 * asynchronously (as `tf.ready()`). Ops also initialise it on first use, so awaiting
 * this is needed only where synchronous compilation is refused (browser main threads).
 */
export async function ready(): Promise<void> {
  if (active) return;
  for (const [name, entry] of byPriority()) {
    if (!entry.state) {
      const init = entry.factory.initAsync ?? (async () => entry.factory.init());
      const kernels = await init();
      if (entry.state === undefined) install(name, entry, kernels);
    }
    if (active) return; // an op ran meanwhile and chose
    if (entry.state === 'ready') {
      active = resolve(name);
      return;
    }
  }
}

/** Names of the registered backends (less any that failed to initialise here). */
export function listBackends(): string[] {
  return [...entries].filter(([, e]) => e.state === undefined || e.state === 'ready').map(([name]) => name);
}
