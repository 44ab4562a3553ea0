/** What every benchmark suite receives from the runner. */
import type { TorchRunner } from '../torch';

export interface SuiteOptions {
  /** Shorter runs (fewer repeats, smaller budgets) for a quick look. */
  quick: boolean;
  /** Progress output (stderr), so stdout keeps only the table. */
  log(message: string): void;
  /** Runs PyTorch's rounds of the training benchmarks; null with --no-torch. */
  torch: TorchRunner | null;
}
