/**
 * @zen/datasets — IDX/MNIST-style loaders, the bundled MNIST digits, batching, splitting
 * and small synthetic data sets. This file is the package's whole public surface.
 */
export { readIdx, decodeIdx, idxToTensor } from './idx/read';
export { writeIdx, encodeIdx } from './idx/write';
export type { IdxArray, IdxArrayLike, IdxDType, IdxTypedArray } from './idx/format';
export { loadMnist } from './mnist';
export type { LoadMnistOptions, MnistData, MnistSplit } from './mnist';
export { loadBundledMnist } from './bundled';
export type { BundledMnistOptions } from './bundled';
export { loadBundledMnistAsync } from './bundled-async';
export type { BundledMnistAsyncOptions } from './bundled-async';
export { trainTestSplit } from './split';
export type { TrainTestSplit, TrainTestSplitOptions } from './split';
export { normalize } from './transforms';
export type { NormalizeOptions } from './transforms';
export { oneHot } from '@zen/autograd-core';
export { DataLoader } from './loader';
export type { Batch, DataLoaderOptions } from './loader';
export { sineSequences, fizzBuzz, FIZZ_BUZZ_CLASSES, xor, spirals } from './synthetic';
export type {
  SyntheticSet,
  SineSequencesOptions,
  FizzBuzzOptions,
  XorOptions,
  SpiralsOptions,
} from './synthetic';
export {
  writeFileAtomic,
  writeFileAtomicSync,
  writeNewFileDurably,
  syncDirectory,
  isTemporaryNameOf,
} from './atomic-write';
export { CharTokenizer } from './text/char-tokenizer';
export type { CharTokenizerOptions, CharTokenizerJSON } from './text/char-tokenizer';
export { loadBundledText } from './text/bundled-text';
export type { BundledTextName } from './text/bundled-text';
export { TextWindows, splitTokens } from './text/windows';
export type { TextWindowsOptions, TextBatch, TextSplitOptions } from './text/windows';
