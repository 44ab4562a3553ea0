/** ONNX converter for Conv2D: NCHW Conv with the kernel [kh, kw, in, out] stored as [out, in, kh, kw]. */
import { noGrad } from '@zen/autograd-core';
import type { Conv2D } from '../../../layers/conv2d';
import { onnxActivation } from '../activations';
import { channelsFirst } from '../layout';
import { registerOnnxConverter } from '../registry';
import { imageWindow } from './window';

registerOnnxConverter<Conv2D>('Conv2D', {
  convert: (g, layer, [input]) => {
    const x = channelsFirst(g, input);
    const kernel = noGrad(() => layer.kernel!.value.transpose([3, 2, 0, 1]));
    const inputs = [x.name, g.tensor('kernel', kernel)];
    if (layer.bias) inputs.push(g.tensor('bias', layer.bias.value));
    const attrs = imageWindow(input, layer.kernelSize, layer.strides, layer.padding, layer.dilationRate);
    const z = g.op('Conv', inputs, { ...attrs, dilations: layer.dilationRate });
    return { name: onnxActivation(g, layer, layer.activation, { ...x, name: z }), channelsFirst: true };
  },
});
