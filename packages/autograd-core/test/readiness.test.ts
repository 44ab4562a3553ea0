/**
 * No work at import: loading the package compiles nothing and chooses no backend; the
 * default backend starts on first use (synchronously) or with `ready()` (compiling
 * asynchronously), and a backend that cannot run here is dropped with its reason.
 */
type Core = typeof import('../src/index');

interface Counted {
  syncCompiles: number;
  asyncCompiles: number;
}

/** Loads a fresh copy of the package with WebAssembly compilation counted. */
function freshCore(): { core: Core; counts: Counted; restore: () => void } {
  const api = (globalThis as unknown as { WebAssembly: Record<string, unknown> }).WebAssembly;
  const Module = api.Module as new (bytes: Uint8Array) => object;
  const compile = api.compile as (bytes: Uint8Array) => Promise<object>;
  const counts: Counted = { syncCompiles: 0, asyncCompiles: 0 };
  api.Module = function CountedModule(bytes: Uint8Array) {
    counts.syncCompiles++;
    return new Module(bytes);
  };
  api.compile = (bytes: Uint8Array) => {
    counts.asyncCompiles++;
    return compile(bytes);
  };
  let core: Core | undefined;
  jest.isolateModules(() => {
    core = jest.requireActual<Core>('../src/index');
  });
  const restore = () => {
    api.Module = Module;
    api.compile = compile;
  };
  return { core: core!, counts, restore };
}

test('importing compiles nothing; the first op starts the default backend synchronously', () => {
  const { core, counts, restore } = freshCore();
  try {
    expect(counts).toEqual({ syncCompiles: 0, asyncCompiles: 0 });
    expect(core.listBackends()).toEqual(['ts', 'wasm']);
    expect(counts.syncCompiles).toBe(0);
    const y = core.matmul(core.tensor([[1, 2]]), core.tensor([[3], [4]]));
    expect(y.toArray()).toEqual([[11]]);
    expect(counts).toEqual({ syncCompiles: 1, asyncCompiles: 0 });
    expect(core.getBackend().name).toBe('wasm');
  } finally {
    restore();
  }
});

test('ready() compiles asynchronously and selects the fastest backend; ops then need no compile', async () => {
  const { core, counts, restore } = freshCore();
  try {
    await core.ready();
    expect(counts).toEqual({ syncCompiles: 0, asyncCompiles: 1 });
    expect(core.getBackend().name).toBe('wasm');
    expect(core.conv2d(core.ones([1, 3, 3, 1]), core.ones([2, 2, 1, 1])).toArray()).toEqual([
      [
        [[4], [4]],
        [[4], [4]],
      ],
    ]);
    await core.ready();
    expect(counts).toEqual({ syncCompiles: 0, asyncCompiles: 1 });
  } finally {
    restore();
  }
});

test('a backend that fails to start is dropped with its reason, and the next one is the default', () => {
  const { core, restore } = freshCore();
  try {
    core.registerBackend('broken', { priority: 5, init: () => ({ error: 'no GPU here' }) });
    expect(core.listBackends()).toEqual(['ts', 'wasm', 'broken']);
    expect(core.getBackend().name).toBe('wasm');
    expect(core.listBackends()).toEqual(['ts', 'wasm']);
    expect(() => core.setBackend('broken')).toThrow(
      "setBackend: unknown backend 'broken' (no GPU here) (available: ts, wasm)",
    );
  } finally {
    restore();
  }
});
