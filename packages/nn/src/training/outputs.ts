/**
 * compile's loss, lossWeights and metrics for models with one or several outputs: one
 * spec for every output, an array in output order, or an object keyed by output name
 * (Keras). Resolved per output, with Keras's log keys ('loss', 'cls_loss', 'cls_accuracy').
 */
import { type MetricFunction, type MetricSpec, getMetric, savedMetricName } from '../metrics';
import { uniqueKeys } from '../stateful-metrics';
import { type LossSpec, type ResolvedLoss, type SavedLoss, resolveLoss } from './loss-spec';

/** compile's `loss`: one for all outputs, one per output in order, or by output name. */
export type LossSpecs = LossSpec | (LossSpec | null)[] | Record<string, LossSpec | null>;
/** compile's `lossWeights`: one per output in order, or by output name (default 1 each). */
export type LossWeights = number[] | Record<string, number>;
/** compile's `metrics`: the same for every output, one list per output, or by output name. */
export type MetricSpecs = MetricSpec[] | MetricSpec[][] | Record<string, MetricSpec | MetricSpec[]>;

/** What one output is trained and judged with. */
export interface OutputSpec {
  name: string;
  /** Null when this output has no loss (it is then not trained). */
  loss: ResolvedLoss | null;
  weight: number;
  /** [log key, function], the key already prefixed with the output name when there are several outputs. */
  metrics: [string, MetricFunction][];
  /** Log key of this output's loss ('loss' for a single output, 'cls_loss' otherwise). */
  lossKey: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype
  );
}

/** compile's arguments, checked up front and resolved per output once the outputs are known. */
export class CompiledOutputs {
  private cache: { key: string; specs: OutputSpec[] } | null = null;

  constructor(
    readonly loss: LossSpecs,
    readonly lossWeights: LossWeights | undefined,
    readonly metrics: MetricSpecs,
  ) {
    if (!Array.isArray(metrics) && !isRecord(metrics))
      throw new Error(
        'compile: metrics must be an array of names or functions, or an object keyed by output name',
      );
    // Resolve what can be resolved without the outputs, so bad names fail in compile.
    const losses = Array.isArray(loss) ? loss : isLossConfigOrSingle(loss) ? [loss] : Object.values(loss);
    for (const l of losses) if (l !== null) resolveLoss(l as LossSpec);
    const flat = Array.isArray(metrics) ? metrics.flat() : Object.values(metrics).flat();
    for (const m of flat) getMetric(m);
  }

  /** One spec per output (names in output order); throws naming the outputs when the specs do not fit them. */
  forOutputs(names: readonly string[]): OutputSpec[] {
    const key = names.join('\u0000');
    if (this.cache?.key === key) return this.cache.specs;
    const many = names.length > 1;
    const losses = this.perOutput<LossSpec | null>('loss', this.loss, names, (v) => isLossConfigOrSingle(v));
    const weights =
      this.lossWeights === undefined
        ? names.map(() => 1)
        : this.perOutput('lossWeights', this.lossWeights, names, () => false, 1);
    const metricLists = this.metricsFor(names);
    const specs = names.map((name, i) => {
      const loss = losses[i] === null || losses[i] === undefined ? null : resolveLoss(losses[i] as LossSpec);
      const weight = weights[i] as number;
      if (typeof weight !== 'number' || !Number.isFinite(weight))
        throw new Error(
          `compile: lossWeights for output '${name}' must be a finite number, got ${String(weight)}`,
        );
      const metrics = uniqueKeys(metricLists[i].map(getMetric)).map(([k, fn]): [string, MetricFunction] => [
        many ? `${name}_${k}` : k,
        fn,
      ]);
      return { name, loss, weight, metrics, lossKey: many ? `${name}_loss` : 'loss' };
    });
    if (specs.every((s) => s.loss === null))
      throw new Error(`compile: no output has a loss (outputs: ${names.join(', ')})`);
    this.cache = { key, specs };
    return specs;
  }

  /** Spreads a single / array / by-name spec over the outputs. */
  private perOutput<T>(
    what: string,
    spec: unknown,
    names: readonly string[],
    isSingle: (v: unknown) => boolean,
    missing: T | null = null,
  ): (T | null)[] {
    if (isSingle(spec)) return names.map(() => spec as T);
    if (Array.isArray(spec)) {
      if (spec.length !== names.length) {
        throw new Error(
          `compile: ${what} lists ${spec.length} entries but the model has ${names.length} outputs (${names.join(', ')})`,
        );
      }
      return spec as T[];
    }
    const record = spec as Record<string, T>;
    for (const key of Object.keys(record)) {
      if (!names.includes(key))
        throw new Error(
          `compile: ${what} names '${key}', which is not an output (outputs: ${names.join(', ')})`,
        );
    }
    return names.map((n) => (n in record ? record[n] : missing));
  }

  private metricsFor(names: readonly string[]): MetricSpec[][] {
    const m = this.metrics;
    if (Array.isArray(m)) {
      if (m.length > 0 && m.every((e) => Array.isArray(e)))
        return this.perOutput<MetricSpec[]>('metrics', m, names, () => false).map((l) => l ?? []);
      return names.map(() => m as MetricSpec[]);
    }
    return this.perOutput<MetricSpec | MetricSpec[]>('metrics', m, names, () => false, []).map((l) =>
      l === null ? [] : Array.isArray(l) ? l : [l],
    );
  }

  /** The losses, weights and named metrics as JSON for model.json (null when a custom function is involved). */
  toConfig(): { loss: unknown; lossWeights?: unknown; metrics: unknown } {
    const lossConfig = (spec: LossSpec | null): SavedLoss | null =>
      spec === null ? null : resolveLoss(spec).config;
    const l = this.loss;
    const loss = isLossConfigOrSingle(l)
      ? lossConfig(l as LossSpec)
      : Array.isArray(l)
        ? l.map(lossConfig)
        : Object.fromEntries(Object.entries(l).map(([k, v]) => [k, lossConfig(v)]));
    const named = (list: MetricSpec[]) => list.map(savedMetricName).filter((s): s is string => s !== null);
    const m = this.metrics;
    const metrics = Array.isArray(m)
      ? m.every((e) => Array.isArray(e)) && m.length > 0
        ? (m as MetricSpec[][]).map(named)
        : named(m as MetricSpec[])
      : Object.fromEntries(Object.entries(m).map(([k, v]) => [k, named(Array.isArray(v) ? v : [v])]));
    return this.lossWeights === undefined
      ? { loss, metrics }
      : { loss, lossWeights: this.lossWeights, metrics };
  }
}

/** A single loss (name, config object with a `name`, or function) rather than an array or a by-output object. */
function isLossConfigOrSingle(spec: unknown): boolean {
  return (
    typeof spec === 'string' ||
    typeof spec === 'function' ||
    (isRecord(spec) && typeof spec.name === 'string')
  );
}
