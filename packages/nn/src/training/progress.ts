/**
 * Progress output of fit (Keras's ProgbarLogger). verbose 1 on a terminal: a bar per
 * epoch, redrawn in place with steps, elapsed time, ETA and running loss/metrics;
 * verbose 1 elsewhere (logs, CI) and verbose 2: one line per epoch. Written to stderr.
 */
import { logStream } from '../log';
import { Callback, type Logs } from '../callbacks/callback';

export interface ProgressOptions {
  verbose: number;
  epochs: number;
  /** Batches per epoch; null when unknown (a dataset of unknown length: learnt after the first epoch). */
  stepsPerEpoch: number | null;
  /** Where to write (default process.stderr, or the console where there is none). */
  stream?: { write(text: string): unknown; isTTY?: boolean };
}

const BAR_WIDTH = 30;
/** Minimum time between redraws of the bar, in ms. */
const REDRAW_INTERVAL = 100;

export class ProgressLogger extends Callback {
  private readonly stream: { write(text: string): unknown; isTTY?: boolean };
  private readonly live: boolean;
  private epochStart = 0;
  private lastDraw = 0;
  private step = 0;
  private total: number | null;

  constructor(private readonly options: ProgressOptions) {
    super();
    this.stream = options.stream ?? logStream();
    this.live = options.verbose === 1 && this.stream.isTTY === true;
    this.total = options.stepsPerEpoch;
  }

  override onEpochBegin(epoch: number): void {
    this.epochStart = Date.now();
    this.lastDraw = 0;
    this.step = 0;
    if (this.live) this.stream.write(`Epoch ${epoch + 1}/${this.options.epochs}\n`);
  }

  override onBatchEnd(batch: number, logs: Logs): void {
    this.step = batch + 1;
    if (!this.live) return;
    const now = Date.now();
    if (now - this.lastDraw < REDRAW_INTERVAL && this.step < (this.total ?? Infinity)) return;
    this.lastDraw = now;
    const elapsed = (now - this.epochStart) / 1000;
    const eta =
      this.total === null ? '' : ` - ETA: ${formatSeconds((elapsed / this.step) * (this.total - this.step))}`;
    this.stream.write(`\r${this.bar()} - ${formatSeconds(elapsed)}${eta}${formatLogs(logs)}\x1b[K`);
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    this.total ??= this.step;
    const elapsed = (Date.now() - this.epochStart) / 1000;
    const perStep = this.step > 0 ? `${Math.round((elapsed * 1000) / this.step)}ms/step` : '';
    if (this.live) {
      this.stream.write(`\r${this.bar()} - ${formatSeconds(elapsed)} ${perStep}${formatLogs(logs)}\x1b[K\n`);
    } else {
      this.stream.write(
        `Epoch ${epoch + 1}/${this.options.epochs} - ${this.step} steps - ${formatSeconds(elapsed)} ${perStep}${formatLogs(logs)}\n`,
      );
    }
  }

  private bar(): string {
    const total = this.total;
    if (total === null) return `${this.step}/Unknown`;
    const done = Math.min(BAR_WIDTH, Math.floor((this.step / total) * BAR_WIDTH));
    const head = done < BAR_WIDTH ? '>' : '';
    const fill = '='.repeat(done);
    const rest = '.'.repeat(Math.max(0, BAR_WIDTH - done - head.length));
    const width = String(total).length;
    return `${String(this.step).padStart(width)}/${total} [${fill}${head}${rest}]`;
  }
}

/** ' - loss: 0.1234 - accuracy: 0.9000' (batch bookkeeping keys left out). */
export function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .filter(([key]) => key !== 'batch' && key !== 'size')
    .map(([key, value]) => ` - ${key}: ${formatValue(value)}`)
    .join('');
}

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 1e-3 || value === 0 ? value.toFixed(4) : value.toExponential(3);
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)}s`;
  const m = Math.floor(seconds / 60);
  return `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}
