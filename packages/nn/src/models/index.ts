/** Every built-in model kind (importing this registers them for loadModel). */
export { Model } from './model';
export type { CompileArgs, ModelArgs } from './model';
export { Sequential } from './sequential';
export type { SequentialConfig } from './sequential';
export { input, InputLayer } from './input-layer';
export type { InputArgs, InputLayerArgs } from './input-layer';
export { SymbolicTensor } from './symbolic';
export { registerModel, registeredModels } from './registry';
export type { ModelClass, ModelFactory } from './registry';
export { modelFromConfig } from './serialize';
export { resetNameCounters } from './names';
export { gptModel } from './gpt';
export type { GptModelArgs } from './gpt';
