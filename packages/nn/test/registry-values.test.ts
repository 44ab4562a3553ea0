/**
 * Metrics, initialisers and activations use the one registry style: registerX(ctor or fn)
 * by `className`, or registerX(name, …); getX resolves names; anything else is refused;
 * user-registered ones are found by name in layer and compile options and survive
 * save/load.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { type DType, type Tensor, ValueError, full, setSeed, tensor } from '@zen/autograd-core';
import {
  Dense,
  type Initializer,
  Sequential,
  getActivation,
  initializers,
  loadModel,
  metrics,
  registerActivation,
  registerInitializer,
  registerMetric,
} from '@zen/nn';

/** Every weight `value` (default 0.25), registered by its static className. */
class Quarter implements Initializer {
  static readonly className = 'Quarter';
  readonly className = 'Quarter';
  readonly value: number;
  constructor(config: { value?: number } = {}) {
    this.value = config.value ?? 0.25;
  }
  generate(shape: readonly number[], dtype: DType): Tensor {
    return full(shape, this.value, { dtype });
  }
  getConfig(): Record<string, unknown> {
    return { value: this.value };
  }
}

/** The largest |yTrue − yPred| seen so far: a stateful metric class with a static className. */
class MaxError extends metrics.Metric {
  static readonly className = 'MaxError';
  private worst = 0;
  constructor() {
    super('maxError');
  }
  updateState(yTrue: Tensor, yPred: Tensor): void {
    for (let i = 0; i < yPred.size; i++) {
      this.worst = Math.max(this.worst, Math.abs(yTrue.data[i] - yPred.data[i]));
    }
  }
  result(): number {
    return this.worst;
  }
  resetState(): void {
    this.worst = 0;
  }
}

/** Mean prediction as a one-element Tensor (a metric may return one). */
const meanPrediction = (_yTrue: Tensor, yPred: Tensor): Tensor => yPred.mean();
/** clip(x, −1, 1). */
const hardTanh = (x: Tensor): Tensor => x.clip(-1, 1);
/** x/2, naming itself with a className property. */
const half = Object.assign((x: Tensor): Tensor => x.mul(0.5), { className: 'half' });

registerInitializer(Quarter);
registerMetric(MaxError);
registerMetric('meanPrediction', meanPrediction);
registerActivation('hardTanh', hardTanh);
registerActivation(half);

test('getX resolves registered names, as typed or in snake_case', () => {
  expect(initializers.getInitializer('Quarter')).toBeInstanceOf(Quarter);
  expect((initializers.getInitializer({ className: 'Quarter', config: { value: 3 } }) as Quarter).value).toBe(
    3,
  );
  expect(initializers.getInitializer('glorot_uniform').className).toBe('GlorotUniform');
  expect(
    (initializers.getInitializer({ className: 'Constant', config: { value: 2 } }) as initializers.Constant)
      .value,
  ).toBe(2);
  expect(getActivation('hardTanh')).toBe(hardTanh);
  expect(getActivation('half')).toBe(half);
  expect(metrics.getMetric('MaxError')[0]).toBe('MaxError');
  expect(metrics.getMetric('sparse_categorical_accuracy')[1]).toBe(metrics.sparseCategoricalAccuracy);
  const [key, fn] = metrics.getMetric('meanPrediction');
  expect(key).toBe('meanPrediction');
  expect(fn(tensor([0, 0]), tensor([1, 2]))).toBe(1.5);
});

test('unknown names and anything but a named class or function are refused', () => {
  expect(() => getActivation('hardSwish')).toThrow(ValueError);
  expect(() => getActivation('hardSwish')).toThrow(
    /unknown activation 'hardSwish' \(registered: .*hardTanh.*\); register custom activations with registerActivation/,
  );
  expect(() => initializers.getInitializer({ className: 'Halves' })).toThrow(
    /unknown initializer 'Halves'.*registerInitializer/,
  );
  expect(() => metrics.getMetric('f1')).toThrow(/unknown metric 'f1'.*registerMetric/);
  expect(() => initializers.getInitializer(42 as never)).toThrow(ValueError);
  const anonymous = (x: Tensor) => x;
  expect(() => registerActivation(anonymous)).toThrow(
    "registerActivation: anonymous has no static className; declare `static readonly className = 'anonymous'` or call registerActivation(name, activation class)",
  );
  expect(() => registerMetric('broken', 'accuracy' as never)).toThrow(
    "registerMetric('broken', …): the second argument must be a metric class or function, got string",
  );
  class Nameless implements Initializer {
    readonly className = 'Nameless';
    generate(shape: readonly number[], dtype: DType): Tensor {
      return full(shape, 0, { dtype });
    }
    getConfig(): Record<string, unknown> {
      return {};
    }
  }
  expect(() => registerInitializer(Nameless)).toThrow(
    /registerInitializer: Nameless has no static className/,
  );
});

test('a model using a registered initialiser, activations and metrics saves and loads with them', async () => {
  setSeed(5);
  const model = new Sequential([
    new Dense({ units: 3, inputShape: [2], activation: 'hardTanh', kernelInitializer: 'Quarter' }),
    new Dense({
      units: 1,
      activation: 'half',
      kernelInitializer: { className: 'Quarter', config: { value: -1 } },
    }),
  ]);
  model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['MaxError', meanPrediction, 'mae'] });
  const x = tensor([
    [4, 2],
    [-3, 1],
    [0.5, 0.5],
  ]);
  const y = tensor([[0.2], [0.1], [-0.4]]);
  // Before training: kernels of 0.25 and −1; hardTanh clips 1.5 to 1 in the first row.
  expect(Array.from(model.predict(x).data)).toEqual([-1.5, 0.75, -0.375]);
  const history = await model.fit(x, y, { epochs: 2, batchSize: 3, verbose: 0 });
  expect(Object.keys(history.history).sort()).toEqual(['MaxError', 'loss', 'mae', 'meanPrediction']);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zen-registry-values-'));
  try {
    await model.save(dir);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as {
      modelConfig: { config: { layers: { config: Record<string, unknown> }[] } };
      trainingConfig: { metrics: unknown };
    };
    const [first, second] = json.modelConfig.config.layers.map((l) => l.config);
    expect([first.activation, second.activation]).toEqual(['hardTanh', 'half']);
    expect(second.kernelInitializer).toEqual({ className: 'Quarter', config: { value: -1 } });
    // The registered function is saved under its registered name.
    expect(json.trainingConfig.metrics).toEqual(['MaxError', 'meanPrediction', 'mae']);
    const loaded = (await loadModel(dir)) as Sequential;
    expect(Array.from(loaded.predict(x).data)).toEqual(Array.from(model.predict(x).data));
    const a = model.evaluate(x, y);
    const b = loaded.evaluate(x, y);
    expect(Object.keys(b).sort()).toEqual(['MaxError', 'loss', 'mae', 'meanPrediction']);
    for (const key of Object.keys(a)) expect(b[key]).toBeCloseTo(a[key], 6);
    expect(b.MaxError).toBeGreaterThan(0);
    // A fresh layer built from the saved config draws from the registered initialiser.
    const rebuilt = new Dense(second as never);
    rebuilt.build([null, 3]);
    expect(Array.from(rebuilt.kernel!.value.data)).toEqual([-1, -1, -1]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
