/**
 * `npm run bench`: Zen-TS against TensorFlow.js ('cpu' and 'wasm' backends) in one
 * process, on the same data and shapes, and against PyTorch (optional, its own processes,
 * in rounds interleaved with Zen-TS's) on the training models. Prints a table of medians and ratios;
 * `--json FILE` also writes the figures, `--quick` shortens every run, and
 * `--only a,b` runs some suites (matmul, mlp, cnn, rnn, inference, memory, gpt).
 * `--no-torch` leaves PyTorch out.
 */
import * as fs from 'fs';
import * as path from 'path';
import { getBackend } from '@zen/autograd-core';
import { describeMachine } from './machine';
import { type ResultRow, ratio, targetMet } from './results';
import { roundCount } from './rounds';
import { formatTable } from './table';
import { tfjsVersion } from './tfjs';
import type { SuiteOptions } from './suites/suite';
import { runMatmul } from './suites/matmul';
import { runTraining } from './suites/training';
import { runInference } from './suites/inference';
import { runMemory } from './suites/memory';
import { runGpt } from './suites/gpt';
import { type TorchRunner, pythonTorchRunner } from './torch';

const SUITES: Record<string, (options: SuiteOptions) => Promise<ResultRow[]>> = {
  matmul: runMatmul,
  mlp: (options) => runTraining(options, ['mlp']),
  cnn: (options) => runTraining(options, ['cnn']),
  rnn: (options) => runTraining(options, ['rnn']),
  inference: runInference,
  memory: runMemory,
  gpt: runGpt,
};

interface Args {
  quick: boolean;
  json: string | null;
  only: string[];
  torch: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { quick: false, json: null, only: Object.keys(SUITES), torch: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') args.quick = true;
    else if (arg === '--no-torch') args.torch = false;
    else if (arg === '--json') {
      const file = argv[++i];
      if (!file) throw new Error('bench: --json needs a file name');
      args.json = file;
    } else if (arg === '--only') {
      const names = (argv[++i] ?? '').split(',').filter(Boolean);
      const unknown = names.filter((n) => !(n in SUITES));
      if (names.length === 0 || unknown.length > 0) {
        throw new Error(
          `bench: --only expects some of ${Object.keys(SUITES).join(', ')}, got '${argv[i] ?? ''}'`,
        );
      }
      args.only = names;
    } else
      throw new Error(`bench: unknown argument '${arg}' (use --quick, --json FILE, --only a,b, --no-torch)`);
  }
  return args;
}

/** Writes `text` to a temporary name next to `file`, then renames it into place. */
function writeFileAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, file);
}

/** How PyTorch was measured, for the header and the JSON. */
function torchMethod(quick: boolean): string {
  return (
    `own process per round and thread count, ${roundCount(quick)} rounds interleaved with Zen-TS ` +
    `(Zen-TS, then PyTorch with 1 and with 2 threads); medians over rounds, the better of the ` +
    `1- and 2-thread medians; peak RSS the highest over that thread count's rounds`
  );
}

/** PyTorch's version when some row has a PyTorch figure. */
function torchVersionMeasured(runner: TorchRunner | null, rows: readonly ResultRow[]): string | null {
  if (!runner || !rows.some((row) => row.torch?.kind === 'value')) return null;
  const probe = runner.probe();
  return 'version' in probe ? probe.version : null;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const machine = describeMachine();
  const log = (message: string) => process.stderr.write(message + '\n');
  const options: SuiteOptions = { quick: args.quick, log, torch: args.torch ? pythonTorchRunner() : null };
  const rows: ResultRow[] = [];
  for (const name of args.only) {
    log(`${name}…`);
    rows.push(...(await SUITES[name](options)));
  }
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  const torchVersion = torchVersionMeasured(options.torch, rows);
  console.log(
    `Zen-TS (backend '${getBackend().name}') vs TensorFlow.js ${tfjsVersion()} — ${machine.cpu}, ` +
      `${machine.cores} cores, Node ${machine.node}, ${machine.date.slice(0, 10)}${args.quick ? ' (quick)' : ''}` +
      (torchVersion ? `; PyTorch ${torchVersion} (${torchMethod(args.quick)})` : ''),
  );
  console.log(formatTable(rows));
  const torchRatios = rows.flatMap((row) => {
    const r = ratio(row, 'torch');
    if (r === null) return [];
    const met = row.lowerIsBetter ? r <= 1 : r >= 1;
    return [`${row.name} ${r.toFixed(2)}× (${met ? 'met' : 'NOT met'})`];
  });
  if (torchRatios.length) {
    console.log(
      `PyTorch targets (Zen-TS ≥ 1.0×, or ≤ 1.0× where lower is better): ${torchRatios.join(', ')}`,
    );
  }
  console.log(`\npeak RSS of this process: ${peakRssMiB.toFixed(0)} MiB`);
  const verdicts = rows.map(targetMet).filter((v) => v !== null);
  console.log(`targets met: ${verdicts.filter(Boolean).length} of ${verdicts.length}`);
  if (args.json) {
    writeFileAtomic(
      args.json,
      JSON.stringify(
        {
          machine,
          zenBackend: getBackend().name,
          tfjs: tfjsVersion(),
          torch: torchVersion,
          torchMethod: torchVersion ? torchMethod(args.quick) : null,
          quick: args.quick,
          peakRssMiB,
          rows,
        },
        null,
        2,
      ) + '\n',
    );
    log(`figures written to ${args.json}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
