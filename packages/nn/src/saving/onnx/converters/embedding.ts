/** ONNX converter for Embedding: Gather rows of the table by (int32) indices. */
import type { Embedding } from '../../../layers/embedding';
import { ElemType } from '../proto';
import { registerOnnxConverter } from '../registry';

registerOnnxConverter<Embedding>('Embedding', {
  inputType: 'int32',
  convert: (g, layer, [input]) => {
    // Indices arriving as floats (from another layer) are cast; int32/int64 are taken as they are.
    const indices =
      (input.elemType ?? 'float32') === 'float32'
        ? g.op('Cast', [input.name], { to: ElemType.int64 })
        : input.name;
    return g.op('Gather', [g.tensor('embeddings', layer.embeddings!.value), indices], { axis: 0 });
  },
});
