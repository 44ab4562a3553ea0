/**
 * @zen/nn — Keras-style layers, losses, metrics, optimisers, callbacks and the
 * Sequential model, on @zen/autograd-core. Every gradient comes from autograd.
 * This file is the package's whole public surface.
 */
export * from './layers';
export * from './models';
export type { FitArgs } from './training/fit';
export type { ModelData, TrainableModel, NamedWeight } from './training/trainable';
export type { LossSpecs, LossWeights, MetricSpecs } from './training/outputs';
export type { YieldEvery } from './training/event-loop';
export type { EvaluateArgs, PredictArgs } from './training/evaluate';
export type { EvaluateDatasetArgs } from './training/evaluate';
export type { FitDatasetArgs } from './training/fit-dataset';
export type { TrainOnBatchArgs } from './training/train-on-batch';
export type { ValidationData } from './training/fit-data';
export type { Dataset, DatasetBatch, DatasetElement, TfjsDatasetBatch } from './training/dataset';
export type { ClassWeight, SampleWeight } from './training/sample-weights';
export type { LossOptions } from './loss-weights';
export { TargetError } from './loss-targets';
export type { LossSpec, LossConfig, LossName } from './training/loss-spec';
export { loadModel } from './saving/load';
export { exportTfjs } from './saving/tfjs/export';

export * as losses from './losses';
export type {
  LossFunction,
  CrossentropyOptions,
  CategoricalCrossentropyOptions,
  HuberOptions,
} from './losses';
export * as metrics from './metrics';
export type { MetricFunction, MetricSpec } from './metrics';
export * as initializers from './initializers';
export type { Initializer, InitializerSpec, InitializerName } from './initializers';
export { getActivation } from './activations';
export type { ActivationName } from './activations';
export { registerActivation } from './activations';
export type { ActivationFunction, BuiltinActivationName } from './activations';
export { registerMetric } from './metrics';
export type { RegisteredMetric } from './metrics';
export { registerInitializer } from './initializers';
export type { InitializerClass } from './initializers';
export type { SymbolicShape } from './shapes';

export { Optimizer } from './optimizers/optimizer';
export type { KernelUpdate, NonFiniteGradient, OptimizerArgs, StepOptions } from './optimizers/optimizer';
export { SGD, Momentum } from './optimizers/sgd';
export type { SGDArgs, MomentumArgs } from './optimizers/sgd';
export { RMSProp, Adagrad, Adam, AdamW } from './optimizers/adaptive';
export type { RMSPropArgs, AdagradArgs, AdamArgs, AdamWArgs } from './optimizers/adaptive';
export { Nadam, Adadelta, Adamax, Lion } from './optimizers/keras-extra';
export type { NadamArgs, AdadeltaArgs, AdamaxArgs, LionArgs } from './optimizers/keras-extra';
export { getOptimizer } from './optimizers/registry';
export { registerOptimizer } from './optimizers/registry';
export type { OptimizerConstructor, SavedOptimizer } from './optimizers/registry';
export { registerSchedule, ConfiguredSchedule } from './optimizers/schedules';
export type { ScheduleConstructor } from './optimizers/schedules';
export { registerLoss } from './training/loss-spec';
export type { RegisteredLoss } from './training/loss-spec';
export type { OptimizerSpec } from './optimizers/registry';
export {
  exponentialDecay,
  stepDecay,
  cosineDecay,
  ExponentialDecay,
  StepDecay,
  CosineDecay,
} from './optimizers/schedules';
export type {
  LearningRateSchedule,
  ExponentialDecayArgs,
  StepDecayArgs,
  CosineDecayArgs,
} from './optimizers/schedules';

export { Callback } from './callbacks/callback';
export type { CallbackLike, Logs } from './callbacks/callback';
export { History } from './callbacks/history';
export { EarlyStopping } from './callbacks/early-stopping';
export type { EarlyStoppingArgs } from './callbacks/early-stopping';
export { ModelCheckpoint } from './callbacks/model-checkpoint';
export type { ModelCheckpointArgs } from './callbacks/model-checkpoint';
export { LearningRateScheduler, ReduceLROnPlateau } from './callbacks/learning-rate';
export type { ReduceLROnPlateauArgs } from './callbacks/learning-rate';
export { TerminateOnNaN } from './callbacks/terminate-on-nan';
export type { MonitorMode } from './callbacks/monitor';
export { toOnnx, DEFAULT_OPSET as DEFAULT_ONNX_OPSET } from './saving/onnx/export';
export type { OnnxExportOptions } from './saving/onnx/export';
export { exportOnnx } from './saving/onnx/write';
export { registerOnnxConverter } from './saving/onnx/registry';
export type { OnnxConverter, Emitted as OnnxEmitted } from './saving/onnx/registry';
export { OnnxExportError, OnnxGraph } from './saving/onnx/graph';
export type { OnnxValue } from './saving/onnx/graph';
export { generate } from './generation/generate';
export type { GenerateOptions } from './generation/generate';
export type { SamplingOptions } from './generation/sampling';
