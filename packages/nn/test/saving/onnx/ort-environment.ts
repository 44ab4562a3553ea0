/**
 * A Jest environment for tests that run ONNX Runtime. Its native binding creates typed
 * arrays in Node's own realm, while Jest gives each test file a fresh realm whose
 * Float32Array is another class, so onnxruntime's `instanceof` checks fail. Sharing
 * Node's typed-array classes with the test realm makes both sides agree.
 */
import { TestEnvironment } from 'jest-environment-node';

const SHARED = [
  'ArrayBuffer',
  'Uint8Array',
  'Int8Array',
  'Uint16Array',
  'Int16Array',
  'Uint32Array',
  'Int32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
] as const;

export default class OrtEnvironment extends TestEnvironment {
  constructor(...args: ConstructorParameters<typeof TestEnvironment>) {
    super(...args);
    for (const name of SHARED) (this.global as Record<string, unknown>)[name] = globalThis[name];
  }
}
