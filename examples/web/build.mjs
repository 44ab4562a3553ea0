// Builds the web example into examples/web/dist (or --out <dir>): main.js (the page),
// train-worker.js (Zen-TS itself, bundled from the packages' sources with their browser
// twins), index.html and the packed digits. Fails if the bundle imports a Node built-in.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, browserTwins, nodeImports, zenSources } from '../../scripts/esbuild-plugins.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const flag = process.argv.indexOf('--out');
const out = flag >= 0 ? process.argv[flag + 1] : join(here, 'dist');
const digits = join(ROOT, 'packages', 'datasets', 'dist', 'mnist-digits.bin.gz');
if (!existsSync(digits)) {
  throw new Error(`web build: ${digits} is missing; run npm run build (npm install does) first`);
}

mkdirSync(out, { recursive: true });
const result = await build({
  entryPoints: { main: join(here, 'src', 'main.ts'), 'train-worker': join(here, 'src', 'train-worker.ts') },
  outdir: out,
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
  plugins: [zenSources, browserTwins],
});
const leftovers = nodeImports(result.metafile);
if (leftovers.length > 0)
  throw new Error(`web build: the bundle imports Node built-ins: ${leftovers.join(', ')}`);
copyFileSync(join(here, 'index.html'), join(out, 'index.html'));
copyFileSync(digits, join(out, 'mnist-digits.bin.gz'));

const size = (file) => `${(statSync(join(out, file)).size / 1024).toFixed(0)} KiB`;
console.log(
  `web build: ${out}: train-worker.js ${size('train-worker.js')} (Zen-TS), main.js ${size('main.js')}, ` +
    `mnist-digits.bin.gz ${size('mnist-digits.bin.gz')}`,
);
