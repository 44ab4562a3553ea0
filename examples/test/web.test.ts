/// <reference lib="dom" />
/**
 * The web example in a real browser: Debian's chromium driven by playwright-core (which
 * downloads nothing). Builds the page, serves it with the cross-origin-isolation headers,
 * trains briefly, classifies a held-out digit drawn on the canvas, reloads the model from
 * IndexedDB, and runs the single-thread path (/plain/, no isolation headers).
 */
import { type ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { build } from 'esbuild';
import type { BrowserContext, Page } from 'playwright-core';
import { loadBundledMnist } from '@zen/datasets';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = path.join(__dirname, '..', '..');
const OUTPUT = path.join(__dirname, 'output');
/** A short run that still reaches 0.9 test accuracy: 3,200 training digits, 2 epochs. */
const TRAINING = { epochs: 2, limit: 4000 };
const QUERY = `?epochs=${TRAINING.epochs}&limit=${TRAINING.limit}`;

const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(
    `web example tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium; CI installs it)`,
  );
}
const describeInBrowser = haveChromium ? describe : describe.skip;

/** Node built-ins among a bundle's imports, and whether mathjs was bundled. */
async function bundle(source: string) {
  const entry = path.join(ROOT, 'examples', 'test', `.bundle-entry-${process.pid}.mjs`);
  fs.writeFileSync(entry, source);
  try {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    // Files that contribute code to the output (the metafile's inputs also list tree-shaken ones).
    const inputs = Object.values(result.metafile.outputs).flatMap((o) =>
      Object.entries(o.inputs)
        .filter(([, use]) => use.bytesInOutput > 0)
        .map(([file]) => file),
    );
    return {
      bytes: result.outputFiles[0].contents.length,
      externals: Object.values(result.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path)),
      mathjs: inputs.some((file) => file.includes('node_modules/mathjs/')),
    };
  } finally {
    fs.rmSync(entry, { force: true });
  }
}

describe('the packages in a browser bundle (esbuild --platform=browser, through the exports maps)', () => {
  beforeAll(() => {
    execFileSync('node', [path.join(ROOT, 'scripts', 'build-esm.mjs')], { stdio: 'pipe' });
  });

  it('bundle @zen/autograd-core, @zen/datasets and @zen/nn with no Node built-ins and no mathjs', async () => {
    const result = await bundle(
      "import { tensor } from '@zen/autograd-core';\nimport { loadBundledMnistAsync } from '@zen/datasets';\n" +
        "import { Sequential, Dense, loadModel } from '@zen/nn';\n" +
        'console.log(tensor, loadBundledMnistAsync, Sequential, Dense, loadModel);\n',
    );
    expect(result.externals).toEqual([]);
    expect(result.mathjs).toBe(false);
    console.log(`browser bundle of the three packages: ${(result.bytes / 1024).toFixed(0)} KiB (unminified)`);
  }, 120_000);

  it('include mathjs only when fromExpression is used', async () => {
    const result = await bundle(
      "import { fromExpression } from '@zen/autograd-core';\nconsole.log(fromExpression('x^2'));\n",
    );
    expect(result.externals).toEqual([]);
    expect(result.mathjs).toBe(true);
  }, 120_000);
});

describeInBrowser('the web example in headless Chromium', () => {
  let site = '';
  let server: ChildProcess | null = null;
  let url = '';
  let context: BrowserContext;
  let page: Page;
  let profile = '';
  const held = loadBundledMnist({ testFraction: 0.2, seed: 1, limit: TRAINING.limit }).test;

  /** Held-out digit i as 784 values. */
  const digit = (i: number) => Array.from(held.images.data.subarray(i * 784, (i + 1) * 784));

  async function visit(address: string): Promise<{ accuracy: number; seconds: number }> {
    const started = Date.now();
    await page.goto(address);
    await page.waitForFunction(() => document.body.dataset.state !== undefined, null, { timeout: 900_000 });
    const status = (await page.textContent('#status')) ?? '';
    const match = /^test accuracy: (0\.\d{4}|1\.0000)$/.exec(status);
    if (!match) throw new Error(`the page did not finish: #status reads '${status}'`);
    return { accuracy: Number(match[1]), seconds: (Date.now() - started) / 1000 };
  }

  beforeAll(async () => {
    site = fs.mkdtempSync(path.join(os.tmpdir(), 'zen-web-'));
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'zen-chromium-'));
    const built = execFileSync('node', [path.join(ROOT, 'examples', 'web', 'build.mjs'), '--out', site], {
      encoding: 'utf8',
    });
    console.log(built.trim());
    server = spawn('node', [path.join(ROOT, 'examples', 'web', 'serve.mjs'), '--dir', site], {
      env: { ...process.env, PORT: '0' },
    });
    url = await new Promise<string>((resolve, reject) => {
      server!.stdout!.on('data', (chunk) => {
        const found = /http:\/\/127\.0\.0\.1:\d+\//.exec(String(chunk));
        if (found) resolve(found[0]);
      });
      server!.on('exit', (code) => reject(new Error(`serve.mjs exited with ${code}`)));
    });
    const { chromium } = await import('playwright-core');
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await context.newPage();
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    server?.kill();
    fs.rmSync(site, { recursive: true, force: true });
    fs.rmSync(profile, { recursive: true, force: true });
  });

  it('trains the CNN in a worker to ≥ 0.9 test accuracy, on wasm with helper threads when isolated', async () => {
    const { accuracy, seconds } = await visit(`${url}${QUERY}&retrain`);
    const backend = (await page.textContent('#backend')) ?? '';
    console.log(
      `web example: ${(await page.textContent('#source'))?.trim()}; test accuracy ${accuracy}; ${backend}; page ${seconds.toFixed(1)} s`,
    );
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
    const threads = Number(/wasm, (\d+) thread/.exec(backend)?.[1]);
    expect(backend).toContain('cross-origin isolated');
    if (os.cpus().length > 1) expect(threads).toBeGreaterThan(1);
    fs.mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: path.join(OUTPUT, 'web-example.png'), fullPage: true });
  }, 900_000);

  it('classifies held-out digits drawn on the canvas (centred and scaled like MNIST) as their labels', async () => {
    // The first held-out digits the model gets right from their own 28×28 pixels...
    const candidates = Array.from({ length: 20 }, (_, i) => i);
    const direct = await page.evaluate(
      (images) =>
        (window as unknown as { zenDemo: { predict(x: number[][]): Promise<number[][]> } }).zenDemo.predict(
          images,
        ),
      candidates.map(digit),
    );
    const argmax = (p: number[]) => p.indexOf(Math.max(...p));
    const chosen = candidates.filter((i) => argmax(direct[i]) === held.labels.data[i]).slice(0, 5);
    expect(chosen.length).toBe(5);
    // ...drawn 10× larger onto the pad, then classified through the page's own path.
    let right = 0;
    for (const i of chosen) {
      await page.evaluate((pixels) => {
        const small = document.createElement('canvas');
        small.width = small.height = 28;
        const image = small.getContext('2d')!.createImageData(28, 28);
        pixels.forEach((v, k) => {
          image.data.set([v * 255, v * 255, v * 255, 255], 4 * k);
        });
        small.getContext('2d')!.putImageData(image, 0, 0);
        const pad = document.getElementById('pad') as HTMLCanvasElement;
        const ctx = pad.getContext('2d')!;
        ctx.imageSmoothingEnabled = true;
        ctx.drawImage(small, 0, 0, pad.width, pad.height);
      }, digit(i));
      await page.click('#predict');
      await page.waitForFunction(() =>
        /^prediction: \d$/.test(document.getElementById('prediction')!.textContent ?? ''),
      );
      const shown = Number(((await page.textContent('#prediction')) ?? '').slice('prediction: '.length));
      if (shown === held.labels.data[i]) right++;
      await page.click('#clear');
    }
    expect(right).toBeGreaterThanOrEqual(4);
  }, 120_000);

  it('reloads the model saved in IndexedDB on the next visit, with identical predictions', async () => {
    const images = Array.from({ length: 8 }, (_, i) => digit(i));
    const predict = () =>
      page.evaluate(
        (x) =>
          (window as unknown as { zenDemo: { predict(x: number[][]): Promise<number[][]> } }).zenDemo.predict(
            x,
          ),
        images,
      );
    const before = await predict();
    const accuracyBefore = Number(
      ((await page.textContent('#status')) ?? '').slice('test accuracy: '.length),
    );
    const { accuracy } = await visit(`${url}${QUERY}`);
    expect(await page.textContent('#source')).toContain('loaded from IndexedDB');
    expect(accuracy).toBe(accuracyBefore);
    expect(await predict()).toEqual(before);
  }, 300_000);

  it('runs on one thread where the page is not cross-origin isolated', async () => {
    const { accuracy } = await visit(`${url}plain/?epochs=1&limit=500&retrain`);
    const backend = (await page.textContent('#backend')) ?? '';
    expect(backend).toBe('backend: wasm, 1 thread');
    expect(accuracy).toBeGreaterThan(0.3);
  }, 600_000);
});
