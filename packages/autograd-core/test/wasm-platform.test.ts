/**
 * The wasm backend where shared memory is missing (browser pages that are not
 * cross-origin isolated) runs the unshared build on one thread, and getBackend()
 * reports how many threads the backend uses.
 */
import type * as CoreModule from '../src/index';
import type * as RuntimeModule from '../src/wasm/runtime';

type Core = typeof CoreModule;
type Runtime = typeof RuntimeModule;

/** A fresh copy of the package (and its runtime loader) with `env` and globals adjusted while loading and using it. */
function withFreshCore<T>(
  setup: { threads?: string; noSharedMemory?: boolean },
  use: (core: Core, runtime: Runtime) => T,
): T {
  const g = globalThis as unknown as Record<string, unknown>;
  const savedSab = g.SharedArrayBuffer;
  const savedEnv = process.env.ZEN_WASM_THREADS;
  if (setup.noSharedMemory) delete g.SharedArrayBuffer;
  if (setup.threads === undefined) delete process.env.ZEN_WASM_THREADS;
  else process.env.ZEN_WASM_THREADS = setup.threads;
  try {
    let core: Core | undefined;
    let runtime: Runtime | undefined;
    jest.isolateModules(() => {
      core = jest.requireActual<Core>('../src/index');
      runtime = jest.requireActual<Runtime>('../src/wasm/runtime');
    });
    return use(core!, runtime!);
  } finally {
    g.SharedArrayBuffer = savedSab;
    if (savedEnv === undefined) delete process.env.ZEN_WASM_THREADS;
    else process.env.ZEN_WASM_THREADS = savedEnv;
  }
}

/** An independent float64 product of two row-major matrices. */
function naiveMatmul(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
      c[i * n + j] = s;
    }
  return c;
}

test("the 'ts' backend reports one thread; wasm reports 1 + its helpers as ZEN_WASM_THREADS sets", () => {
  withFreshCore({ threads: '2' }, (core) => {
    expect(core.getBackend().name).toBe('wasm');
    expect(core.getBackend().threads).toBe(2);
    core.setBackend('ts');
    expect(core.getBackend().threads).toBe(1);
  });
  withFreshCore({ threads: '1' }, (core) => {
    expect(core.getBackend().name).toBe('wasm');
    expect(core.getBackend().threads).toBe(1);
  });
});

test('without SharedArrayBuffer the unshared build runs the wasm kernels on one thread, with the same results', () => {
  withFreshCore({ noSharedMemory: true, threads: '4' }, (core, runtime) => {
    const kernels = runtime.loadKernels();
    if ('error' in kernels) throw new Error(kernels.error);
    expect(kernels.shared).toBe(false);
    expect(Object.prototype.toString.call(kernels.memory.buffer)).toBe('[object ArrayBuffer]');

    expect(core.getBackend().name).toBe('wasm');
    expect(core.getBackend().threads).toBe(1);
    const [m, k, n] = [70, 300, 90]; // large enough to grow the memory past its first pages
    core.setSeed(3);
    const a = core.randn([m, k]);
    const b = core.randn([k, n]);
    const c = core.matmul(a, b).data;
    const expected = naiveMatmul(a.data as Float32Array, b.data as Float32Array, m, k, n);
    let worst = 0;
    for (let i = 0; i < c.length; i++) worst = Math.max(worst, Math.abs(c[i] - expected[i]));
    expect(worst).toBeLessThan(1e-3);
  });
});
