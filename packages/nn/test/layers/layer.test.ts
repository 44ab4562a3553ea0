import { type Tensor, tensor } from '@zen/autograd-core';
import {
  type CallOptions,
  Dense,
  Layer,
  type LayerConfig,
  registerLayer,
  registeredLayers,
  Sequential,
  resetNameCounters,
} from '@zen/nn';

class Scale extends Layer {
  override readonly className = 'Scale';
  factor: number;
  constructor(args: { factor: number; name?: string }) {
    super(args);
    this.factor = args.factor;
  }
  call(x: Tensor, _options: CallOptions): Tensor {
    return x.mul(this.factor);
  }
  override getConfig(): LayerConfig {
    return { ...super.getConfig(), factor: this.factor };
  }
}

describe('Layer base class', () => {
  // Default layer names count up across the process (Keras); start each test from 'dense'.
  beforeEach(() => resetNameCounters());
  test('default names follow Keras and models keep them unique', () => {
    const model = new Sequential([new Dense({ units: 2 }), new Dense({ units: 2 }), new Dense({ units: 1 })]);
    expect(model.layers.map((l) => l.name)).toEqual(['dense', 'dense_1', 'dense_2']);
    expect(
      () => new Sequential([new Dense({ units: 2, name: 'a' }), new Dense({ units: 2, name: 'a' })]),
    ).toThrow("Sequential.add: a layer named 'a' is already in the model");
  });

  test('layers build lazily on first call from the input shape', () => {
    const layer = new Dense({ units: 3 });
    expect(layer.built).toBe(false);
    expect(layer.weights).toEqual([]);
    layer.apply(tensor([[1, 2, 3, 4]]));
    expect(layer.built).toBe(true);
    expect(layer.builtInputShape).toEqual([null, 4]);
    expect(layer.weights.map((w) => w.value.shape)).toEqual([[4, 3], [3]]);
  });

  test('trainable = false freezes the weights (no parameters, no gradients)', () => {
    const layer = new Dense({ units: 2 });
    layer.apply(tensor([[1, 2]]));
    layer.trainable = false;
    expect(layer.parameters()).toEqual([]);
    expect(layer.weights.every((w) => !w.value.requiresGrad)).toBe(true);
    expect(layer.nonTrainableWeights).toHaveLength(2);
    layer.trainable = true;
    expect(layer.parameters()).toHaveLength(2);
  });

  test('setWeights copies in place and checks shapes', () => {
    const layer = new Dense({ units: 2 });
    layer.apply(tensor([[1, 2]]));
    const kernel = layer.kernel!.value;
    layer.setWeights([
      tensor([
        [1, 2],
        [3, 4],
      ]),
      tensor([5, 6]),
    ]);
    expect(layer.kernel!.value).toBe(kernel);
    expect(kernel.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(() => layer.setWeights([tensor([1])])).toThrow('setWeights got 1 tensors for 2 weights');
    expect(() => layer.setWeights([tensor([[1, 2]]), tensor([5, 6])])).toThrow(
      "Dense layer 'dense': weight 'kernel' has shape [2,2] but the new value has shape [1,2]",
    );
  });

  test('custom layers register for loading and run in models', () => {
    registerLayer('Scale', Scale as never);
    expect(registeredLayers()).toEqual(expect.arrayContaining(['Dense', 'Conv2D', 'LSTM', 'Scale']));
    const model = new Sequential([new Scale({ factor: 3 })]);
    expect(model.call(tensor([[1, 2]])).toArray()).toEqual([[3, 6]]);
  });

  test('invalid inputShape and dtype are refused', () => {
    expect(() => new Dense({ units: 1, inputShape: [0] })).toThrow('inputShape must list positive integers');
    expect(() => new Dense({ units: 1, dtype: 'int32' as never })).toThrow(
      "layer dtype must be 'float32' or 'float64'",
    );
    expect(() => new Dense({ units: 1 }).apply([[1]] as never)).toThrow(
      "Dense layer 'dense_2': input must be a Tensor",
    );
  });
});
