/**
 * TensorFlow.js, the peer: '@tensorflow/tfjs' with its pure-JS 'cpu' backend and
 * '@tensorflow/tfjs-backend-wasm' (XNNPACK, SIMD), switched within one process.
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type TfjsBackend = 'cpu' | 'wasm';
export type Tf = typeof tf;

let configured = false;

function configure(): void {
  if (configured) return;
  configured = true;
  // Production mode: no debug checks (TensorFlow.js's advice for speed) and no banner.
  tf.enableProdMode();
  // The .wasm binaries ship in the package; point the loader at them (no network).
  const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  setWasmPaths(dist + path.sep);
}

/** TensorFlow.js with `backend` active. */
export async function useTfjs(backend: TfjsBackend): Promise<Tf> {
  configure();
  const ok = await tf.setBackend(backend);
  await tf.ready();
  if (!ok || tf.getBackend() !== backend) throw new Error(`tfjs: backend '${backend}' did not start`);
  return tf;
}

/** The tfjs version in use (for the report). */
export function tfjsVersion(): string {
  return tf.version.tfjs;
}
