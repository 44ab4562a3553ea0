import { setSeed, tensor } from '@zen/autograd-core';
import { Embedding } from '@zen/nn';
import { gradcheckLayer } from '../helpers';

describe('Embedding', () => {
  test('looks up rows: [N, T] indices → [N, T, outputDim]', () => {
    setSeed(1);
    const layer = new Embedding({ inputDim: 5, outputDim: 3 });
    const ids = tensor(
      [
        [0, 4, 4],
        [2, 1, 0],
      ],
      { dtype: 'int32' },
    );
    const out = layer.apply(ids);
    expect(out.shape).toEqual([2, 3, 3]);
    const table = layer.embeddings!.value.toArray() as number[][];
    expect(out.toArray()).toEqual([
      [table[0], table[4], table[4]],
      [table[2], table[1], table[0]],
    ]);
    expect(layer.computeOutputShape([null, 3])).toEqual([null, 3, 3]);
    expect(table.flat().every((v) => Math.abs(v) <= 0.05)).toBe(true); // Keras's uniform ±0.05
  });

  test('float indices holding integers work too', () => {
    const layer = new Embedding({ inputDim: 3, outputDim: 2 });
    const out = layer.apply(tensor([[2, 0]]));
    const table = layer.embeddings!.value.toArray() as number[][];
    expect(out.toArray()).toEqual([[table[2], table[0]]]);
  });

  test('gradcheck (float64): repeated indices accumulate', () => {
    setSeed(2);
    const layer = new Embedding({ inputDim: 4, outputDim: 3, dtype: 'float64' });
    const ids = tensor(
      [
        [1, 3, 1],
        [0, 1, 2],
      ],
      { dtype: 'int32' },
    );
    layer.apply(ids);
    expect(gradcheckLayer(layer, ids, { checkInput: false }).ok).toBe(true);
  });

  test('out-of-range or fractional indices name the layer', () => {
    const layer = new Embedding({ inputDim: 4, outputDim: 2, name: 'words' });
    expect(() => layer.apply(tensor([[1, 4]], { dtype: 'int32' }))).toThrow(
      "Embedding layer 'words': index 4 at position 1 is not an integer in [0, 4)",
    );
    expect(() => layer.apply(tensor([[0.5]]))).toThrow("Embedding layer 'words': index 0.5 at position 0");
  });
});
