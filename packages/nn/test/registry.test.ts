/**
 * One registry style: registerX(Ctor) by `static className` or registerX(name, Ctor);
 * anything else refused by name; user-registered optimiser, schedule, loss and layer
 * save with a model and load back.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { type Tensor, type TypedArray, ValueError, setSeed, tensor } from '@zen/autograd-core';
import {
  ConfiguredSchedule,
  Dense,
  Layer,
  Optimizer,
  type OptimizerArgs,
  Sequential,
  getOptimizer,
  loadModel,
  registerLayer,
  registerLoss,
  registerOptimizer,
  registerSchedule,
} from '@zen/nn';

/** Plain gradient descent at half the rate, registered by name. */
class HalfStep extends Optimizer {
  constructor(args: OptimizerArgs = {}) {
    super(args, 0.1);
  }
  protected updateParameter(param: Tensor, grad: TypedArray, learningRate: number): void {
    const p = param.data;
    for (let i = 0; i < p.length; i++) p[i] -= 0.5 * learningRate * grad[i];
  }
}

/** lr₀ / (1 + step), registered by its static className. */
class InverseTime extends ConfiguredSchedule<{ initialLearningRate: number }> {
  static readonly className = 'InverseTime';
  valueAt(step: number): number {
    return this.args.initialLearningRate / (1 + step);
  }
}

/** Doubles its input (no weights), registered by its static className. */
class Doubler extends Layer {
  static readonly className = 'Doubler';
  call(x: Tensor): Tensor {
    return x.mul(2);
  }
}

const sumOfSquares = (yTrue: Tensor, yPred: Tensor): Tensor => yPred.sub(yTrue).square().sum();

registerOptimizer('HalfStep', HalfStep);
registerSchedule(InverseTime);
registerLayer(Doubler);
registerLoss('sumOfSquares', sumOfSquares);

test('static className names instances and their default layer names', () => {
  expect(new Doubler().className).toBe('Doubler');
  expect(new Doubler().name).toMatch(/^doubler/);
  expect(new InverseTime({ initialLearningRate: 1 }).className).toBe('InverseTime');
  expect(new HalfStep().className).toBe('HalfStep');
  expect(getOptimizer('halfstep')).toBeInstanceOf(HalfStep);
  expect(getOptimizer({ className: 'HalfStep', config: { learningRate: 0.5 } }).learningRate).toBe(0.5);
});

test('registering anything but a class with a static className, or a name and a class, is refused', () => {
  class Anonymousish extends Layer {
    call(x: Tensor): Tensor {
      return x;
    }
  }
  expect(() => registerLayer(Anonymousish)).toThrow(ValueError);
  expect(() => registerLayer(Anonymousish)).toThrow(
    "registerLayer: Anonymousish has no static className; declare `static readonly className = 'Anonymousish'` or call registerLayer(name, layer class)",
  );
  expect(() => registerOptimizer('Broken', 42 as never)).toThrow(
    "registerOptimizer('Broken', …): the second argument must be a optimizer class or function, got number",
  );
  expect(() => registerLoss(sumOfSquares)).toThrow(/registerLoss: sumOfSquares has no static className/);
});

test('a model compiled with a registered optimiser, schedule, loss and layer saves and loads', async () => {
  setSeed(3);
  const model = new Sequential([new Dense({ units: 2, inputShape: [3] }), new Doubler()]);
  model.compile({
    optimizer: new HalfStep({ learningRate: new InverseTime({ initialLearningRate: 0.2 }) }),
    loss: 'sumOfSquares',
  });
  const x = tensor([
    [1, 2, 3],
    [0, -1, 1],
  ]);
  const y = tensor([
    [1, 0],
    [0, 1],
  ]);
  await model.fit(x, y, { epochs: 2, batchSize: 2, verbose: 0 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zen-registry-'));
  try {
    await model.save(dir);
    const loaded = (await loadModel(dir)) as Sequential;
    expect(loaded.layers[1]).toBeInstanceOf(Doubler);
    expect(loaded.optimizer).toBeInstanceOf(HalfStep);
    const lr = loaded.optimizer!.learningRate;
    expect(lr).toBeInstanceOf(InverseTime);
    expect((lr as InverseTime).valueAt(1)).toBeCloseTo(0.1, 12);
    expect(loaded.getTrainingConfig()!.loss).toEqual({ name: 'sumOfSquares' });
    expect(Array.from(loaded.predict(x).data)).toEqual(Array.from(model.predict(x).data));
    const want = sumOfSquares(y, model.predict(x)).item();
    expect(loaded.evaluate(x, y).loss).toBeCloseTo(want, 5);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
