/** What every benchmark suite receives from the runner. */
export interface SuiteOptions {
  /** Shorter runs (fewer repeats, smaller budgets) for a quick look. */
  quick: boolean;
  /** Progress output (stderr), so stdout keeps only the table. */
  log(message: string): void;
  /** Whether suites that run PyTorch themselves may (false with --no-torch). */
  torch?: boolean;
}
