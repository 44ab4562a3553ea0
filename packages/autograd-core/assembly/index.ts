/** Zen-TS WebAssembly kernels (AssemblyScript, 128-bit SIMD). Entry point of the build. */
export {
  gemm,
  gemmAccumulate,
  gemmDepthBlock,
  gemmRows,
  gemmTileRows,
  gemmWorkspaceBytes,
  packWholeB,
  packedWholeBBytes,
} from './gemm';
export {
  im2col,
  col2im,
  conv2d,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  conv2dDirect,
  conv2dBackpropFilterDirect,
  convDirectScratchBytes,
  conv2dBackpropInputDirect,
} from './conv';

/** First byte after the module's static data: the caller's memory starts here. */
export function heapBase(): usize {
  return __heap_base;
}
export { maxPool } from './pool';
export { geluForward, geluBackward } from './gelu';
export { attentionForward, attentionBackward } from './attention';
export { activationGradBiasSum, biasActivate, poolGradScatter } from './bias-activation';
export { addPartialSums, binaryFloat32, sumAxisFloat32, sumOfSquaresFloat32 } from './arithmetic';
export { optimizerStep } from './optimizer';
export { indexOfNonFinite } from './finite';
export { tanhSigmoidFloat32 } from './tanh-sigmoid';
export { layerNormForward, layerNormBackward } from './layer-norm';
export { tanhRecurrenceForward, tanhRecurrenceBackward } from './recurrence';
export { softmaxCrossEntropyDenseRows, softmaxCrossEntropyLabelRows } from './softmax-cross-entropy';
export {
  listNonzeroColumns,
  listNonzeroRows,
  scatterColumnsTimesB,
  sparseRowsBytes,
  sparseRowsTimesB,
} from './sparse-gemm';
