/** Every built-in layer (importing this registers them all for loadModel). */
export { Layer, LayerWeight } from './layer';
export type { LayerArgs, CallOptions, LayerConfig, InputSpec, Logits, LayerDType } from './layer';
export { registerLayer, registeredLayers } from './registry';
export type { LayerConstructor } from './registry';
export { Dense } from './dense';
export type { DenseArgs } from './dense';
export { Conv2D } from './conv2d';
export type { Conv2DArgs } from './conv2d';
export { MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D } from './pooling';
export type { Pooling2DArgs } from './pooling';
export { Flatten, Reshape } from './reshaping';
export type { ReshapeArgs } from './reshaping';
export { Dropout } from './dropout';
export type { DropoutArgs } from './dropout';
export { BatchNormalization, LayerNormalization } from './normalization';
export type { BatchNormalizationArgs, NormalizationArgs } from './normalization';
export { Embedding } from './embedding';
export type { EmbeddingArgs } from './embedding';
export { SimpleRNN, LSTM, GRU } from './recurrent';
export type { RecurrentArgs, GatedArgs, LSTMArgs, GRUArgs } from './recurrent';
export { Activation, ReLU, LeakyReLU, Sigmoid, Tanh, Softmax } from './activation-layers';
export type { ActivationArgs, ReLUArgs, LeakyReLUArgs, SoftmaxArgs } from './activation-layers';
export { MultiHeadAttention } from './multi-head-attention';
export type {
  MultiHeadAttentionArgs,
  AttentionCallOptions,
  AttentionCache,
  AttentionResult,
} from './multi-head-attention';
export { TransformerEncoder, TransformerDecoder } from './transformer';
export type {
  TransformerEncoderArgs,
  TransformerDecoderArgs,
  EncoderCallOptions,
  DecoderCallOptions,
} from './transformer';
export type { TransformerArgs } from './transformer-block';
export { PositionEmbedding, TokenAndPositionEmbedding } from './position-embedding';
export type {
  PositionEmbeddingArgs,
  TokenAndPositionEmbeddingArgs,
  PositionCallOptions,
} from './position-embedding';
export { Conv1D } from './conv1d';
export type { Conv1DArgs } from './conv1d';
export { Conv2DTranspose, DepthwiseConv2D, SeparableConv2D } from './conv-variants';
export type { Conv2DTransposeArgs, DepthwiseConv2DArgs, SeparableConv2DArgs } from './conv-variants';
export { UpSampling2D, ZeroPadding2D, Cropping2D } from './resizing';
export type { UpSampling2DArgs, ZeroPadding2DArgs, Cropping2DArgs } from './resizing';
export { MaxPooling1D, AveragePooling1D, GlobalAveragePooling1D, GlobalMaxPooling1D } from './pooling1d';
export type { Pooling1DArgs } from './pooling1d';
export { RepeatVector, Permute } from './sequence-shape';
export type { RepeatVectorArgs, PermuteArgs } from './sequence-shape';
export { SpatialDropout1D, SpatialDropout2D, GaussianNoise } from './noise';
export type { SpatialDropoutArgs, GaussianNoiseArgs } from './noise';
export { Rescaling, Normalization } from './preprocessing';
export type { RescalingArgs, NormalizationLayerArgs } from './preprocessing';
export { TimeDistributed, Bidirectional } from './wrappers';
export type { TimeDistributedArgs, BidirectionalArgs, MergeMode, WrappedLayer } from './wrappers';
export { Merge, Add, Subtract, Multiply, Average, Maximum, Minimum } from './merge';
export { Concatenate, Dot } from './merge-axes';
export type { ConcatenateArgs, DotArgs } from './merge-axes';
export type { LayerInput, LayerOutput } from './layer';
