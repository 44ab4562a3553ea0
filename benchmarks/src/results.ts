/** The figures a benchmark produces and the targets they are checked against. */

/** Who ran: Zen-TS and the two TensorFlow.js backends. */
export type Contender = 'zen' | 'tfjs-cpu' | 'tfjs-wasm';
export const CONTENDERS: readonly Contender[] = ['zen', 'tfjs-cpu', 'tfjs-wasm'];

/** A measured figure (higher is better), or why there is none. */
export type Figure =
  | { kind: 'value'; value: number; note?: string }
  | { kind: 'unsupported'; reason: string }
  | { kind: 'skipped'; reason: string };

/** A contender Zen-TS is compared with: a TensorFlow.js backend, or PyTorch (optional, its own process). */
export type Peer = Exclude<Contender, 'zen'> | 'torch';

/** Zen-TS must reach `ratio` times a peer's figure, or stay at or below `atMost`. */
export type Target = { peer: Peer; ratio: number } | { atMost: number };

/** One measurement of a contender: its rate, and the peak RSS (MiB) of its process when it had its own. */
export interface Measurement {
  rate: number;
  peakRssMiB?: number;
}

/** PyTorch's measurements with one thread count, round by round. */
export interface TorchThreadRounds {
  threads: number;
  rounds: Measurement[];
}

/** A row's measurements round by round (written to the JSON, to show the spread). */
export interface RoundFigures {
  zen: Measurement[];
  torch?: TorchThreadRounds[];
}

export interface ResultRow {
  /** Short name, e.g. 'matmul 512'. */
  name: string;
  /** Unit of the figures, e.g. 'GFLOP/s' or 'samples/s'. */
  unit: string;
  /** Figures where less is better (memory); higher is better otherwise. */
  lowerIsBetter?: boolean;
  figures: Record<Contender, Figure>;
  /** PyTorch's figure, on the rows its script measures. */
  torch?: Figure;
  /** Zen-TS's and PyTorch's measurements in each round, where they were interleaved. */
  rounds?: RoundFigures;
  target?: Target;
}

export function value(v: number, note?: string): Figure {
  return note ? { kind: 'value', value: v, note } : { kind: 'value', value: v };
}

/** Zen-TS's figure divided by a peer's, when both were measured. */
export function ratio(row: ResultRow, peer: Peer): number | null {
  const zen = row.figures.zen;
  const other = peer === 'torch' ? row.torch : row.figures[peer];
  if (zen.kind !== 'value' || !other || other.kind !== 'value' || other.value === 0) return null;
  return zen.value / other.value;
}

/** Whether the row's target is met (null when it has none or could not be measured). */
export function targetMet(row: ResultRow): boolean | null {
  const target = row.target;
  if (!target) return null;
  if ('atMost' in target)
    return row.figures.zen.kind === 'value' ? row.figures.zen.value <= target.atMost : null;
  const r = ratio(row, target.peer);
  return r === null ? null : r >= target.ratio;
}
