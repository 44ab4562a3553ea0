/**
 * Weight initialisers (Keras names and defaults). Every draw comes from the global
 * seeded generator, so `setSeed` makes model initialisation reproducible.
 */
import {
  type DType,
  type Tensor,
  full,
  random,
  ValueError,
  randomNormal as normalDraw,
  zeros as zerosTensor,
} from '@zen/autograd-core';
import { type RegisterFunction, Registry } from './registry';

/** Makes the initial value of a weight. */
export interface Initializer {
  /** Registry name, e.g. 'GlorotUniform'. */
  readonly className: string;
  generate(shape: readonly number[], dtype: DType): Tensor;
  getConfig(): Record<string, unknown>;
}

/**
 * An initializer by name ('glorotUniform', 'he_normal', or a registered class's name), as
 * an object, or as a saved `{className, config}`.
 */
export type InitializerSpec =
  InitializerName | (string & {}) | Initializer | { className: string; config?: Record<string, unknown> };

export type InitializerName =
  | 'zeros'
  | 'ones'
  | 'glorotUniform'
  | 'glorotNormal'
  | 'heNormal'
  | 'heUniform'
  | 'lecunNormal'
  | 'randomNormal'
  | 'randomUniform'
  | 'truncatedNormal'
  | 'orthogonal';

/** Fan-in and fan-out as Keras computes them (kernels [..receptive, in, out]). */
export function computeFans(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0], shape[0]];
  if (shape.length === 2) return [shape[0], shape[1]];
  let receptive = 1;
  for (let i = 0; i < shape.length - 2; i++) receptive *= shape[i];
  return [shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive];
}

function fill(shape: readonly number[], dtype: DType, draw: () => number): Tensor {
  const t = zerosTensor(shape, { dtype });
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = draw();
  return t;
}

/** A normal draw truncated to two standard deviations (redrawn outside), as Keras. */
function truncatedNormalDraw(mean: number, stddev: number): number {
  for (;;) {
    const z = normalDraw(random);
    if (Math.abs(z) <= 2) return mean + stddev * z;
  }
}

/** Constant value. */
export class Constant implements Initializer {
  readonly className: string = 'Constant';
  readonly value: number;
  /** The value, or the saved config `{ value }`. */
  constructor(value: number | { value?: number } = 0) {
    this.value = typeof value === 'number' ? value : (value.value ?? 0);
  }
  generate(shape: readonly number[], dtype: DType): Tensor {
    return full(shape, this.value, { dtype });
  }
  getConfig(): Record<string, unknown> {
    return { value: this.value };
  }
}

export class Zeros extends Constant {
  override readonly className = 'Zeros';
  constructor() {
    super(0);
  }
  override getConfig(): Record<string, unknown> {
    return {};
  }
}

export class Ones extends Constant {
  override readonly className = 'Ones';
  constructor() {
    super(1);
  }
  override getConfig(): Record<string, unknown> {
    return {};
  }
}

/** Normal draws; Keras defaults mean 0, stddev 0.05. */
export class RandomNormal implements Initializer {
  readonly className: string = 'RandomNormal';
  readonly mean: number;
  readonly stddev: number;
  constructor(args: { mean?: number; stddev?: number } = {}) {
    this.mean = args.mean ?? 0;
    this.stddev = args.stddev ?? 0.05;
  }
  generate(shape: readonly number[], dtype: DType): Tensor {
    return fill(shape, dtype, () => this.mean + this.stddev * normalDraw(random));
  }
  getConfig(): Record<string, unknown> {
    return { mean: this.mean, stddev: this.stddev };
  }
}

/** Normal draws redrawn beyond two standard deviations; Keras defaults mean 0, stddev 0.05. */
export class TruncatedNormal extends RandomNormal {
  override readonly className = 'TruncatedNormal';
  override generate(shape: readonly number[], dtype: DType): Tensor {
    return fill(shape, dtype, () => truncatedNormalDraw(this.mean, this.stddev));
  }
}

/** Uniform draws in [minval, maxval); Keras defaults ±0.05. */
export class RandomUniform implements Initializer {
  readonly className = 'RandomUniform';
  readonly minval: number;
  readonly maxval: number;
  constructor(args: { minval?: number; maxval?: number } = {}) {
    this.minval = args.minval ?? -0.05;
    this.maxval = args.maxval ?? 0.05;
  }
  generate(shape: readonly number[], dtype: DType): Tensor {
    const span = this.maxval - this.minval;
    return fill(shape, dtype, () => this.minval + span * random());
  }
  getConfig(): Record<string, unknown> {
    return { minval: this.minval, maxval: this.maxval };
  }
}

export type FanMode = 'fanIn' | 'fanOut' | 'fanAvg';
export type ScalingDistribution = 'truncatedNormal' | 'uniform' | 'untruncatedNormal';

/**
 * Draws with variance scale / fan: uniform in ±√(3·scale/fan), or a normal with
 * stddev √(scale/fan) (truncated at 2σ, with Keras's correction 0.8796… for the truncation).
 */
export class VarianceScaling implements Initializer {
  readonly className: string = 'VarianceScaling';
  readonly scale: number;
  readonly mode: FanMode;
  readonly distribution: ScalingDistribution;
  constructor(args: { scale?: number; mode?: FanMode; distribution?: ScalingDistribution } = {}) {
    this.scale = args.scale ?? 1;
    this.mode = args.mode ?? 'fanIn';
    this.distribution = args.distribution ?? 'truncatedNormal';
  }
  generate(shape: readonly number[], dtype: DType): Tensor {
    const [fanIn, fanOut] = computeFans(shape);
    const fan = this.mode === 'fanIn' ? fanIn : this.mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
    const variance = this.scale / Math.max(1, fan);
    if (this.distribution === 'uniform') {
      const limit = Math.sqrt(3 * variance);
      return fill(shape, dtype, () => -limit + 2 * limit * random());
    }
    if (this.distribution === 'untruncatedNormal') {
      const stddev = Math.sqrt(variance);
      return fill(shape, dtype, () => stddev * normalDraw(random));
    }
    // Stddev of a standard normal truncated to [-2, 2] is 0.87962566103423978.
    const stddev = Math.sqrt(variance) / 0.8796256610342398;
    return fill(shape, dtype, () => truncatedNormalDraw(0, stddev));
  }
  getConfig(): Record<string, unknown> {
    return { scale: this.scale, mode: this.mode, distribution: this.distribution };
  }
}

/** Uniform in ±√(6 / (fanIn + fanOut)): the Keras default for kernels. */
export class GlorotUniform extends VarianceScaling {
  override readonly className = 'GlorotUniform';
  constructor() {
    super({ scale: 1, mode: 'fanAvg', distribution: 'uniform' });
  }
  override getConfig(): Record<string, unknown> {
    return {};
  }
}

/** Truncated normal with stddev √(2 / (fanIn + fanOut)). */
export class GlorotNormal extends VarianceScaling {
  override readonly className = 'GlorotNormal';
  constructor() {
    super({ scale: 1, mode: 'fanAvg', distribution: 'truncatedNormal' });
  }
  override getConfig(): Record<string, unknown> {
    return {};
  }
}

/** Truncated normal with stddev √(2 / fanIn): for ReLU networks. */
export class HeNormal extends VarianceScaling {
  override readonly className = 'HeNormal';
  constructor() {
    super({ scale: 2, mode: 'fanIn', distribution: 'truncatedNormal' });
  }
  override getConfig(): Record<string, unknown> {
    return {};
  }
}

/** Uniform in ±√(6 / fanIn). */
export class HeUniform extends VarianceScaling {
  override readonly className = 'HeUniform';
  constructor() {
    super({ scale: 2, mode: 'fanIn', distribution: 'uniform' });
  }
  override getConfig(): Record<string, unknown> {
    return {};
  }
}

/** Truncated normal with stddev √(1 / fanIn). */
export class LecunNormal extends VarianceScaling {
  override readonly className = 'LecunNormal';
  constructor() {
    super({ scale: 1, mode: 'fanIn', distribution: 'truncatedNormal' });
  }
  override getConfig(): Record<string, unknown> {
    return {};
  }
}

/**
 * A (semi-)orthogonal matrix times `gain`: Gram–Schmidt on normal draws, as the
 * QR decomposition Keras uses. The Keras default for recurrent kernels.
 */
export class Orthogonal implements Initializer {
  readonly className = 'Orthogonal';
  readonly gain: number;
  constructor(args: { gain?: number } = {}) {
    this.gain = args.gain ?? 1;
  }
  generate(shape: readonly number[], dtype: DType): Tensor {
    if (shape.length < 2)
      throw new Error(`orthogonal initializer: needs a shape of rank ≥ 2, got [${shape}]`);
    const cols = shape[shape.length - 1];
    const rows = shape.reduce((a, b) => a * b, 1) / cols;
    // Orthonormalise the rows of the wider orientation, then transpose if needed.
    const [n, m] = rows < cols ? [rows, cols] : [cols, rows];
    const q = new Float64Array(n * m);
    for (let i = 0; i < q.length; i++) q[i] = normalDraw(random);
    for (let i = 0; i < n; i++) {
      const row = q.subarray(i * m, (i + 1) * m);
      for (let j = 0; j < i; j++) {
        const prev = q.subarray(j * m, (j + 1) * m);
        let dot = 0;
        for (let k = 0; k < m; k++) dot += row[k] * prev[k];
        for (let k = 0; k < m; k++) row[k] -= dot * prev[k];
      }
      let norm = 0;
      for (let k = 0; k < m; k++) norm += row[k] * row[k];
      norm = Math.sqrt(norm) || 1;
      for (let k = 0; k < m; k++) row[k] /= norm;
    }
    const out = zerosTensor(shape, { dtype });
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const v = rows < cols ? q[r * m + c] : q[c * m + r];
        out.data[r * cols + c] = this.gain * v;
      }
    }
    return out;
  }
  getConfig(): Record<string, unknown> {
    return { gain: this.gain };
  }
}

/** An initializer class, constructed from its saved config. */
export type InitializerClass = (new (config: Record<string, unknown>) => Initializer) & {
  readonly className?: unknown;
};

const initializers = new Registry<InitializerClass>('initializer', 'registerInitializer');

/**
 * Registers an initializer class so layer options take its name and saved layer configs
 * load: `registerInitializer(MyInit)` under its `static className`, or
 * `registerInitializer('MyInit', MyInit)`. Its constructor takes the object its
 * `getConfig()` returns, and its instances' `className` is the registered name.
 */
export const registerInitializer: RegisterFunction<InitializerClass> = initializers.registerFunction();

const BUILT_IN: [string, InitializerClass][] = [
  ['Zeros', Zeros],
  ['Ones', Ones],
  ['Constant', Constant],
  ['RandomNormal', RandomNormal],
  ['TruncatedNormal', TruncatedNormal],
  ['RandomUniform', RandomUniform],
  ['VarianceScaling', VarianceScaling],
  ['GlorotUniform', GlorotUniform],
  ['GlorotNormal', GlorotNormal],
  ['HeNormal', HeNormal],
  ['HeUniform', HeUniform],
  ['LecunNormal', LecunNormal],
  ['Orthogonal', Orthogonal],
];
for (const [name, ctor] of BUILT_IN) initializers.register(name, ctor);

/**
 * Resolves an initializer: an instance as it is; a name ('glorotUniform', 'glorot_uniform',
 * 'GlorotUniform') or a saved `{className, config}` through the registry.
 */
export function getInitializer(spec: InitializerSpec): Initializer {
  if (typeof spec === 'string') return new (initializers.require(spec))({});
  if (typeof spec === 'object' && spec !== null) {
    if ('generate' in spec && typeof spec.generate === 'function') return spec;
    if ('className' in spec && typeof spec.className === 'string') {
      const config = 'config' in spec && spec.config ? spec.config : {};
      return new (initializers.require(spec.className))(config);
    }
  }
  throw new ValueError(
    `getInitializer: expected a name, an Initializer or { className, config }, got ${JSON.stringify(spec)}`,
  );
}

/** The JSON form of an initializer, for layer configs. */
export function serializeInitializer(init: Initializer): {
  className: string;
  config: Record<string, unknown>;
} {
  return { className: init.className, config: init.getConfig() };
}

/** Factories by Keras name: `initializers.heNormal()`. */
export const glorotUniform = (): Initializer => new GlorotUniform();
export const glorotNormal = (): Initializer => new GlorotNormal();
export const heNormal = (): Initializer => new HeNormal();
export const heUniform = (): Initializer => new HeUniform();
export const lecunNormal = (): Initializer => new LecunNormal();
export const zeros = (): Initializer => new Zeros();
export const ones = (): Initializer => new Ones();
export const constant = (value: number): Initializer => new Constant(value);
export const randomNormal = (args?: { mean?: number; stddev?: number }): Initializer =>
  new RandomNormal(args);
export const randomUniform = (args?: { minval?: number; maxval?: number }): Initializer =>
  new RandomUniform(args);
export const truncatedNormal = (args?: { mean?: number; stddev?: number }): Initializer =>
  new TruncatedNormal(args);
export const orthogonal = (args?: { gain?: number }): Initializer => new Orthogonal(args);
