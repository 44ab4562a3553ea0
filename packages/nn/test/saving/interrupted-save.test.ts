/**
 * A save interrupted at any instant leaves a directory that loads the previous model or
 * the new one: failures injected at every file-system step of one or two consecutive
 * saves, and a real child process killed with SIGKILL at random moments while saving.
 */
import { type ChildProcess, spawn } from 'child_process';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { makeGenerator, setSeed, tensor } from '@zen/autograd-core';
import { Adam, Dense, Sequential, loadModel } from '@zen/nn';
import { testValues } from '../helpers';
import { bits, useTempDir } from './temp-dir';

let dir: string;
useTempDir('zen-crash-', (d) => (dir = d));

const x = tensor(testValues(8, 5), { shape: [2, 4] });
const y = tensor([
  [1, 0],
  [0, 1],
]);

/** A tiny compiled model, trained one step so that it has optimiser state. */
function tinyModel(seed: number): Sequential {
  setSeed(seed);
  const model = new Sequential([new Dense({ units: 3, inputShape: [4] }), new Dense({ units: 2 })]);
  model.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'mse' });
  model.trainOnBatch(x, y);
  return model;
}

/** Which of `candidates` the model in `dir` equals (its index), or -1. */
async function whichModel(at: string, candidates: readonly Sequential[]): Promise<number> {
  const loaded = await loadModel(at);
  const got = JSON.stringify(loaded.getWeights().map(bits));
  return candidates.findIndex(
    (m) =>
      JSON.stringify(m.getWeights().map(bits)) === got &&
      loaded.optimizer!.iterations === m.optimizer!.iterations,
  );
}

describe('failures injected into save', () => {
  const methods = ['open', 'rename', 'rm', 'readdir'] as const;

  /** Runs `fn` with the `failAt`-th call of any of `methods` throwing (0: none). */
  async function failingAt<T>(
    failAt: number,
    fn: () => Promise<T>,
  ): Promise<{ calls: number; failed: boolean }> {
    let calls = 0;
    let failed = false;
    const spies = methods.map((name) => {
      const real = (fs[name] as (...args: unknown[]) => Promise<unknown>).bind(fs);
      return jest.spyOn(fs, name).mockImplementation((async (...args: unknown[]) => {
        if (++calls === failAt) {
          failed = true;
          throw new Error('simulated crash');
        }
        return real(...args);
      }) as never);
    });
    try {
      await fn().catch((error: Error) => {
        if (error.message !== 'simulated crash') throw error;
      });
    } finally {
      spies.forEach((s) => s.mockRestore());
    }
    return { calls, failed };
  }

  test('one or two interrupted saves in a row, at every step, leave a loadable previous or new model', async () => {
    const models = [tinyModel(1), tinyModel(2), tinyModel(3), tinyModel(4)];
    const { calls } = await failingAt(0, () => models[0].save(dir));
    expect(calls).toBeGreaterThanOrEqual(4);
    let cases = 0;
    for (let first = 1; first <= calls; first++) {
      for (let second = 0; second <= calls; second++) {
        await fs.rm(dir, { recursive: true, force: true });
        await models[0].save(dir);
        await failingAt(first, () => models[1].save(dir));
        const afterFirst = await whichModel(dir, models);
        expect([0, 1]).toContain(afterFirst);
        await failingAt(second, () => models[2].save(dir));
        const afterSecond = await whichModel(dir, models);
        expect([afterFirst, 2]).toContain(afterSecond);
        cases++;
      }
    }
    expect(cases).toBe(calls * (calls + 1));
    // A successful save then removes every leftover of the interrupted ones.
    await models[3].save(dir);
    expect(await whichModel(dir, models)).toBe(3);
    expect((await fs.readdir(dir)).length).toBe(2);
  }, 60_000);

  test('the failure of the issue: a failed commit then a failed model.json write', async () => {
    const models = [tinyModel(1), tinyModel(2), tinyModel(3)];
    await models[0].save(dir);
    const rename = jest.spyOn(fs, 'rename').mockRejectedValueOnce(new Error('simulated crash'));
    await expect(models[1].save(dir)).rejects.toThrow('simulated crash');
    rename.mockRestore();
    const realOpen = fs.open.bind(fs);
    let opens = 0;
    const open = jest.spyOn(fs, 'open').mockImplementation((async (...args: Parameters<typeof fs.open>) => {
      if (++opens === 2) throw new Error('simulated crash'); // the temporary model.json
      return realOpen(...args);
    }) as never);
    await expect(models[2].save(dir)).rejects.toThrow('simulated crash');
    open.mockRestore();
    expect(await whichModel(dir, models)).toBe(0);
  });
});

/**
 * The commit protocol's sources (and nothing else) compiled to plain JavaScript, so a
 * child process starts in milliseconds.
 */
async function compileCommitProtocol(out: string): Promise<string> {
  const root = path.join(__dirname, '../../..');
  const sources: [string, string][] = [
    ['datasets/src/atomic-write.ts', 'atomic-write.js'],
    ['nn/src/saving/format.ts', 'format.js'],
    ['nn/src/saving/commit.ts', 'commit.js'],
  ];
  for (const [source, target] of sources) {
    const text = await fs.readFile(path.join(root, source), 'utf8');
    const js = ts.transpileModule(text, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    await fs.writeFile(
      path.join(out, target),
      js.replace(/require\("@zen\/datasets"\)/g, 'require("./atomic-write")'),
    );
  }
  const child = path.join(out, 'saver.js');
  // Waits for 'go' on stdin (so it can be started ahead of time), then saves in a loop,
  // printing each save's duration in milliseconds.
  await fs.writeFile(
    child,
    `const fs = require('fs');
const { commitModelFiles } = require('./commit');
const [dir, payloadFile] = process.argv.slice(2);
const payloads = JSON.parse(fs.readFileSync(payloadFile, 'utf8')).map((p) => ({
  bytes: Buffer.from(p.weights, 'base64'),
  describe: (name) => p.modelJson.replace('@WEIGHTS@', name),
}));
process.stdout.write('ready\\n');
process.stdin.once('data', async () => {
  for (let k = 0; ; k++) {
    const p = payloads[k % payloads.length];
    const start = performance.now();
    await commitModelFiles(dir, p.bytes, p.describe);
    process.stdout.write((performance.now() - start).toFixed(3) + '\\n');
  }
});
`,
  );
  return child;
}

/** The model files of a save of `model`, with the weights file name left as a placeholder. */
async function payloadOf(model: Sequential): Promise<{ weights: string; modelJson: string }> {
  const at = await fs.mkdtemp(path.join(os.tmpdir(), 'zen-payload-'));
  try {
    await model.save(at);
    const modelJson = await fs.readFile(path.join(at, 'model.json'), 'utf8');
    const name = JSON.parse(modelJson).weightsManifest.path as string;
    return {
      weights: (await fs.readFile(path.join(at, name))).toString('base64'),
      modelJson: modelJson.replace(`"${name}"`, '"@WEIGHTS@"'),
    };
  } finally {
    await fs.rm(at, { recursive: true, force: true });
  }
}

/** A saver process: started, then (when told) saving in a loop and reporting each save. */
class Saver {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  /** Durations (ms) of the saves completed so far. */
  readonly durations: number[] = [];
  private onLine: (() => void) | null = null;

  constructor(script: string, target: string, payloads: string) {
    this.child = spawn(process.execPath, [script, target, payloads], { stdio: ['pipe', 'pipe', 'inherit'] });
    let resolveReady: () => void;
    this.ready = new Promise((r) => (resolveReady = r));
    let buffered = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let end;
      while ((end = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        if (line === 'ready') resolveReady();
        else this.durations.push(Number(line));
        this.onLine?.();
      }
    });
  }

  /** Starts the save loop. */
  go(): void {
    this.child.stdin!.write('go\n');
  }

  /** Resolves once `count` saves have completed. */
  saves(count: number): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.durations.length >= count) {
          this.onLine = null;
          resolve();
        }
      };
      this.onLine = check;
      check();
    });
  }

  /** Kills the process with SIGKILL and waits until it is gone. */
  async kill(): Promise<void> {
    const gone = new Promise<void>((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) resolve();
      else this.child.once('exit', () => resolve());
    });
    this.child.kill('SIGKILL');
    await gone;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SIGKILL during saves', () => {
  const TRIALS = 50;

  test(`a child killed at ${TRIALS} random moments always leaves a directory that loads a saved model`, async () => {
    const work = await fs.mkdtemp(path.join(os.tmpdir(), 'zen-saver-'));
    const pool: Saver[] = [];
    try {
      const script = await compileCommitProtocol(work);
      const models = [tinyModel(11), tinyModel(12), tinyModel(13)];
      const payloads = path.join(work, 'payloads.json');
      await fs.writeFile(payloads, JSON.stringify(await Promise.all(models.map(payloadOf))));
      await models[0].save(dir);
      const next = makeGenerator('kill-test');
      const seen = new Set<number>();
      const durations: number[] = [];
      let midSave = 0;
      const started = Date.now();
      // Two savers start ahead while the current one runs, so process start-up overlaps the trials.
      const spare = () => pool.push(new Saver(script, dir, payloads));
      spare();
      spare();
      for (let trial = 0; trial < TRIALS; trial++) {
        const saver = pool.shift()!;
        if (trial + pool.length < TRIALS - 1) spare();
        await saver.ready;
        saver.go();
        // Kill after 0, 1 or 2 completed saves plus a random fraction of a typical save's time,
        // so the kills fall at every point of the protocol.
        await saver.saves(Math.floor(next() * 3));
        const typical = durations.length ? durations.reduce((a, b) => a + b, 0) / durations.length : 5;
        await sleep(next() * typical);
        await saver.kill();
        durations.push(...saver.durations);
        if ((await fs.readdir(dir)).length > 2) midSave++; // an unfinished save's file is left
        const which = await whichModel(dir, models);
        expect(which).toBeGreaterThanOrEqual(0);
        seen.add(which);
      }
      const seconds = (Date.now() - started) / 1000;
      console.log(
        `SIGKILL test: ${TRIALS} kills in ${seconds.toFixed(1)} s; ${midSave} left an unfinished save behind; ` +
          `${durations.length} saves completed; models found after the kills: ${[...seen].sort()}`,
      );
      // The kills landed inside saves, and the loop moved between models.
      expect(midSave).toBeGreaterThan(0);
      expect(seen.size).toBeGreaterThan(1);
      // The next successful save removes every leftover.
      await models[1].save(dir);
      expect((await fs.readdir(dir)).length).toBe(2);
    } finally {
      await Promise.all(pool.map((s) => s.kill()));
      await fs.rm(work, { recursive: true, force: true });
    }
  }, 120_000);
});
