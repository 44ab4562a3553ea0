/**
 * ONNX converters for Conv1D, Conv2DTranspose, DepthwiseConv2D and SeparableConv2D.
 * Kernels are rearranged from Keras's layouts to ONNX's ([out, in/group, …spatial]);
 * images stay NCHW like Conv2D's output, sequences go [N, C, T] for the Conv and back.
 */
import { type Tensor, noGrad } from '@zen/autograd-core';
import type { Conv1D } from '../../../layers/conv1d';
import type { Conv2DTranspose, DepthwiseConv2D, SeparableConv2D } from '../../../layers/conv-variants';
import type { BiasedLayer } from '../../../layers/biased-layer';
import { onnxActivation } from '../activations';
import type { OnnxGraph, OnnxValue } from '../graph';
import { channelsFirst, channelsLast } from '../layout';
import { type Emitted, registerOnnxConverter } from '../registry';
import { imageWindow, windowAttributes } from './window';

/** Adds the layer's bias (per channel, axis 1 of an NCHW/NCT value) to a Conv's inputs when it has one. */
function withBias(g: OnnxGraph, layer: BiasedLayer, inputs: string[]): string[] {
  return layer.bias ? [...inputs, g.tensor('bias', layer.bias.value)] : inputs;
}

/** The activation applied to an NCHW result, which stays NCHW. */
function activatedImage(g: OnnxGraph, layer: BiasedLayer, x: OnnxValue, z: string): Emitted {
  return {
    name: onnxActivation(g, layer, layer.activation, { ...x, name: z, channelsFirst: true }),
    channelsFirst: true,
  };
}

// [N, T, C] → [N, C, T], a 1-D Conv with kernel [k, in, out] as [out, in, k], and back.
registerOnnxConverter<Conv1D>('Conv1D', {
  convert: (g, layer, [input]) => {
    const x = channelsLast(g, input);
    const nct = g.op('Transpose', [x.name], { perm: [0, 2, 1] });
    const kernel = noGrad(() => layer.kernel!.value.transpose([2, 1, 0]));
    const attrs = windowAttributes(
      [input.shape[1]],
      [layer.kernelSize],
      [layer.strides],
      [layer.dilationRate],
      layer.padding,
    );
    const conv = g.op('Conv', withBias(g, layer, [nct, g.tensor('kernel', kernel)]), {
      ...attrs,
      dilations: [layer.dilationRate],
    });
    const z = g.op('Transpose', [conv], { perm: [0, 2, 1] });
    return onnxActivation(g, layer, layer.activation, { ...x, name: z });
  },
});

/**
 * ConvTranspose with kernel [kh, kw, out, in] as [in, out, kh, kw]. 'same' gives in·stride:
 * the span beyond it (kernel − stride) is cropped, the smaller half at the start (as the
 * gradient of a 'same' convolution); a kernel shorter than the stride is padded at the end.
 */
registerOnnxConverter<Conv2DTranspose>('Conv2DTranspose', {
  convert: (g, layer, [input]) => {
    const x = channelsFirst(g, input);
    const kernel = noGrad(() => layer.kernel!.value.transpose([3, 2, 0, 1]));
    const crop = layer.kernelSize.map((k, i) => (layer.padding === 'same' ? k - layer.strides[i] : 0));
    const begin = crop.map((c) => Math.max(Math.floor(c / 2), 0));
    const end = crop.map((c, i) => Math.max(c - begin[i], 0));
    const z = g.op('ConvTranspose', withBias(g, layer, [x.name, g.tensor('kernel', kernel)]), {
      kernel_shape: layer.kernelSize,
      strides: layer.strides,
      pads: [...begin, ...end],
      output_padding: crop.map((c) => Math.max(-c, 0)),
    });
    return activatedImage(g, layer, x, z);
  },
});

/** Depthwise kernel [kh, kw, C, M] as a grouped Conv's [C·M, 1, kh, kw] (output channel c·M + m). */
function depthwiseConv(
  g: OnnxGraph,
  layer: DepthwiseConv2D | SeparableConv2D,
  input: OnnxValue,
  withLayerBias: boolean,
): { x: OnnxValue; z: string } {
  const x = channelsFirst(g, input);
  const [kh, kw, channels, multiplier] = layer.depthwiseKernel!.value.shape;
  const kernel = noGrad(() =>
    layer.depthwiseKernel!.value.reshape([kh, kw, channels * multiplier, 1]).transpose([2, 3, 0, 1]),
  );
  const attrs = imageWindow(input, layer.kernelSize, layer.strides, layer.padding);
  const inputs = [x.name, g.tensor('depthwise_kernel', kernel)];
  const z = g.op('Conv', withLayerBias ? withBias(g, layer, inputs) : inputs, { ...attrs, group: channels });
  return { x, z };
}

registerOnnxConverter<DepthwiseConv2D>('DepthwiseConv2D', {
  convert: (g, layer, [input]) => {
    const { x, z } = depthwiseConv(g, layer, input, true);
    return activatedImage(g, layer, x, z);
  },
});

// The depthwise stage without bias, then a 1×1 Conv with the pointwise kernel, bias and activation.
registerOnnxConverter<SeparableConv2D>('SeparableConv2D', {
  convert: (g, layer, [input]) => {
    const { x, z } = depthwiseConv(g, layer, input, false);
    const pointwise: Tensor = noGrad(() => layer.pointwiseKernel!.value.transpose([3, 2, 0, 1]));
    const y = g.op('Conv', withBias(g, layer, [z, g.tensor('pointwise_kernel', pointwise)]), {
      kernel_shape: [1, 1],
    });
    return activatedImage(g, layer, x, y);
  },
});
