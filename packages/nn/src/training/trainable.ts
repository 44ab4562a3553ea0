/**
 * The narrow interface through which fit, evaluate, predict, the callbacks and saving
 * talk to a model. Every model kind (Sequential, functional, subclassed) implements it
 * through the shared Model base; nothing here depends on how a model computes.
 */
import type { RandomStream, Tensor } from '@zen/autograd-core';
import type { History } from '../callbacks/history';
import type { Logs } from '../callbacks/callback';
import type { Optimizer } from '../optimizers/optimizer';
import type { LayerWeight } from '../layers/layer';
import type { StepWeights } from './sample-weights';

/** x or y as fit/evaluate/predict take them: one tensor, one per input/output in order, or by name. */
export type ModelData = Tensor | Tensor[] | Record<string, Tensor>;

/** A weight under its unique path in the model ('dense/kernel', 'encoder/dense_1/bias'). */
export interface NamedWeight {
  name: string;
  weight: LayerWeight;
}

export interface TrainableModel {
  readonly name: string;
  /** Set by a callback to end fit after the current batch. */
  stopTraining: boolean;
  /** The History of the last fit. */
  history: History | null;
  /** The compiled optimizer (null before compile). */
  readonly optimizer: Optimizer | null;
  /** The model's random stream: fit shuffles with it and runs each step inside it (dropout). */
  readonly randomStream: RandomStream;
  /** Names of the inputs in order (x given as an object is read by these); empty when not known. */
  readonly inputNames: readonly string[];
  /** Names of the outputs in order (y given as an object is read by these); empty when not known. */
  readonly outputNames: readonly string[];
  /** Starts the stateful metrics afresh (each epoch and evaluation); returns their log keys. */
  resetMetricStates(): Set<string>;
  /** Throws, naming `where`, unless the model is compiled. */
  checkCompiled(where: string): void;
  /** One optimisation step on one batch (its losses weighted by `weights`); returns its loss(es) and metrics. */
  trainStep(x: Tensor[], y: Tensor[], where: string, weights?: StepWeights): Logs;
  /** Loss(es) and metrics of one batch in inference mode (no graph is recorded). */
  testStep(x: Tensor[], y: Tensor[], where: string, weights?: StepWeights): Logs;
  /** The outputs for one batch in inference mode. */
  predictStep(x: Tensor[], where: string): Tensor[];
  getWeights(): Tensor[];
  /** Every weight once, under its unique path. */
  namedWeights(): NamedWeight[];
  setWeights(values: readonly Tensor[]): void;
  save(target: string): Promise<void>;
}
