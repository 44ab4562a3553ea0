/**
 * The TypeScript backend's kernels: every kernel in the registry (backend.ts), for
 * every dtype. They are the oracle faster backends are tested against.
 */
import type { Kernels } from '../backend';
import { activationKernel } from './activations';
import { col2im, im2col, maxPoolKernel } from './conv';
import { conv2dBackpropFilterByGemm, conv2dBackpropInputByGemm, conv2dByGemm } from './convolution';
import { biasActivationGradKernel } from './bias-activation-grad';
import { deferWeightGradientKernel, isDeferredKernel, settleDeferredKernel } from './deferred';
import { indexOfNonFiniteKernel } from './finite';
import { binaryKernel, biasActivationKernel, broadcastCopy, unaryKernel, whereKernel } from './elementwise';
import {
  gatherAxisKernel,
  oneHotKernel,
  scatterAddAxisKernel,
  scatterAddFlatKernel,
  takeFlatKernel,
} from './gather';
import { copyBox, permuteKernel } from './layout';
import { gemmBlocked } from './matmul';
import { reduceAxisKernel, sumOfSquaresKernel } from './reduce';
import { softmaxKernel } from './softmax';
import {
  softmaxCrossEntropyBackward,
  softmaxCrossEntropyDenseBackward,
  softmaxCrossEntropyDenseForward,
  softmaxCrossEntropyForward,
} from './softmax-cross-entropy';
import { attentionBackward, attentionForward } from './attention';
import { geluKernel } from './gelu';
import { geluBackwardKernel } from './gelu-backward';
import { layerNormBackward, layerNormForward } from './layer-norm';
import { type ConvKernels, convBiasActivationKernels } from './conv-bias-activation';
import { optimizerStepKernel, stateArrayKernel } from './optimizer';
import { scratchArenaKernel } from './scratch';
import { gemmBiasKernel } from './gemm-bias';
import { tanhRecurrenceBackwardKernel, tanhRecurrenceKernel } from './recurrence';

const tsConv: ConvKernels = {
  conv2d: (x, filters, g, outChannels, out) => conv2dByGemm(gemmBlocked, x, filters, g, outChannels, out),
  conv2dBackpropInput: (dy, filters, g, outChannels, dx) =>
    conv2dBackpropInputByGemm(gemmBlocked, dy, filters, g, outChannels, dx),
  conv2dBackpropFilter: (x, dy, g, outChannels, dFilters) =>
    conv2dBackpropFilterByGemm(gemmBlocked, x, dy, g, outChannels, dFilters),
};
const tsFused = convBiasActivationKernels(tsConv);

export const tsKernels: Kernels = {
  gemm: gemmBlocked,
  ...tsConv,
  conv2dBiasActivation: tsFused.forward,
  conv2dBiasActivationBackward: tsFused.backward,
  maxPool2d: maxPoolKernel,
  im2col,
  col2im,
  binary: binaryKernel,
  unary: unaryKernel,
  activation: activationKernel,
  where: whereKernel,
  biasActivation: biasActivationKernel,
  biasActivationGrad: biasActivationGradKernel,
  reduceAxis: reduceAxisKernel,
  sumOfSquares: sumOfSquaresKernel,
  softmax: softmaxKernel,
  softmaxCrossEntropy: softmaxCrossEntropyForward,
  softmaxCrossEntropyBackward,
  softmaxCrossEntropyDense: softmaxCrossEntropyDenseForward,
  softmaxCrossEntropyDenseBackward,
  attentionForward,
  attentionBackward,
  gelu: geluKernel,
  geluBackward: geluBackwardKernel,
  layerNorm: layerNormForward,
  layerNormBackward,
  tanhRecurrence: tanhRecurrenceKernel,
  tanhRecurrenceBackward: tanhRecurrenceBackwardKernel,
  broadcast: broadcastCopy,
  permute: permuteKernel,
  copyBox,
  takeFlat: takeFlatKernel,
  scatterAddFlat: scatterAddFlatKernel,
  gatherAxis: gatherAxisKernel,
  scatterAddAxis: scatterAddAxisKernel,
  oneHot: oneHotKernel,
  indexOfNonFinite: indexOfNonFiniteKernel,
  optimizerStep: optimizerStepKernel,
  stateArray: stateArrayKernel,
  scratchArena: scratchArenaKernel,
  gemmBias: gemmBiasKernel,
  deferWeightGradient: deferWeightGradientKernel,
  settleDeferred: settleDeferredKernel,
  isDeferred: isDeferredKernel,
};
