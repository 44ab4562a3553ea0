// Emits packages/datasets/dist/mnist-digits.bin.gz, the compact copy of the bundled MNIST
// digits (one byte per pixel, gzip) that loadBundledMnistAsync fetches in browsers and
// reads in Node.js. Uses the compiled package (run after `tsc -b`). Run by `npm run build`
// and `npm install`'s prepare step.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'datasets', 'dist');
const require = createRequire(import.meta.url);
const { readBundledDigits } = require(join(dist, 'bundled.js'));
const { packDigits } = require(join(dist, 'digits-pack.js'));
const { PACKED_DIGITS_FILE } = require(join(dist, 'digits-source.js'));

const { images, labels } = readBundledDigits();
const packed = gzipSync(packDigits({ images, labels, rows: 28, cols: 28 }), { level: 9 });
const target = join(dist, PACKED_DIGITS_FILE);
mkdirSync(dist, { recursive: true });
writeFileSync(`${target}.${process.pid}.tmp`, packed);
renameSync(`${target}.${process.pid}.tmp`, target);
console.log(`build-digits: ${labels.length} digits, ${packed.length} bytes -> ${target}`);
