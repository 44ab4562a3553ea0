/**
 * Float32 parameters take the backends' optimizerStep kernel (wasm SIMD by default):
 * the same trajectory as the TypeScript kernel and as the rule written by hand, the
 * state round trip through getState/setState, and the non-finite gradient scan.
 */
import { type Tensor, setBackend, tensor } from '@zen/autograd-core';
import { Adam, AdamW, type Optimizer, RMSProp, SGD } from '@zen/nn';

afterEach(() => setBackend('wasm'));

const START = [0.5, -1.5, 2, 0.25, -0.75, 3, -2, 1];
const TARGET = [1, 2, -1, 0, 0.5, -3, 0.125, 4];

/** `steps` updates of a float32 p on ½Σ(p − target)², on the named backend; p after each step. */
function trajectory(make: () => Optimizer, backend: string, steps: number): number[][] {
  setBackend(backend);
  const optimizer = make();
  const p = tensor(START, { requiresGrad: true });
  const target = tensor(TARGET);
  const out: number[][] = [];
  for (let i = 0; i < steps; i++) {
    optimizer.zeroGrad([p]);
    p.sub(target).square().sum().mul(0.5).backward();
    expect(optimizer.step([p], { checkFinite: true })).toBeNull();
    out.push(Array.from(p.data));
  }
  return out;
}

const OPTIMIZERS: [string, () => Optimizer][] = [
  ['Adam', () => new Adam({ learningRate: 0.1 })],
  ['AdamW', () => new AdamW({ learningRate: 0.1, weightDecay: 0.05 })],
  ['SGD', () => new SGD({ learningRate: 0.1 })],
  ['SGD momentum', () => new SGD({ learningRate: 0.1, momentum: 0.9 })],
  ['SGD Nesterov', () => new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true })],
  ['RMSProp', () => new RMSProp({ learningRate: 0.05 })],
  ['RMSProp momentum', () => new RMSProp({ learningRate: 0.05, momentum: 0.5 })],
];

test.each(OPTIMIZERS)('%s: the wasm kernel follows the TypeScript kernel in float32', (_name, make) => {
  const wasm = trajectory(make, 'wasm', 12);
  const ts = trajectory(make, 'ts', 12);
  wasm.forEach((row, s) => row.forEach((v, i) => expect(Math.abs(v - ts[s][i])).toBeLessThan(2e-5)));
});

test('Adam in float32 follows the rule written by hand (Keras bias correction, ε outside the root)', () => {
  const [lr, b1, b2, eps] = [0.1, 0.9, 0.999, 1e-7];
  const m = START.map(() => 0);
  const v = START.map(() => 0);
  let p = [...START];
  const got = trajectory(() => new Adam({ learningRate: lr }), 'wasm', 5);
  for (let t = 1; t <= 5; t++) {
    p = p.map((x, i) => {
      const g = x - TARGET[i];
      m[i] = b1 * m[i] + (1 - b1) * g;
      v[i] = b2 * v[i] + (1 - b2) * g * g;
      return x - (lr * Math.sqrt(1 - b2 ** t) * m[i]) / (1 - b1 ** t) / (Math.sqrt(v[i]) + eps);
    });
    p.forEach((x, i) => expect(Math.abs(got[t - 1][i] - x)).toBeLessThan(1e-5));
  }
});

test.each(OPTIMIZERS)('%s: getState/setState resumes exactly where training stopped', (_name, make) => {
  const target = tensor(TARGET);
  const stepOn = (optimizer: Optimizer, p: Tensor) => {
    optimizer.zeroGrad([p]);
    p.sub(target).square().sum().mul(0.5).backward();
    optimizer.step([p]);
  };
  const first = make();
  const p = tensor(START, { requiresGrad: true });
  for (let i = 0; i < 3; i++) stepOn(first, p);
  const resumed = make();
  const q = tensor(Array.from(p.data), { requiresGrad: true });
  const saved = first.getState([p]);
  resumed.setState([q], { iterations: saved.iterations, slots: saved.slots.map((s) => ({ ...s })) });
  for (let i = 0; i < 3; i++) {
    stepOn(first, p);
    stepOn(resumed, q);
  }
  expect(Array.from(q.data)).toEqual(Array.from(p.data));
  expect(resumed.iterations).toBe(6);
});

test.each([{}, { clipNorm: 1 }])(
  'step with checkFinite (%o) refuses a NaN gradient and updates nothing',
  (clip) => {
    const optimizer = new Adam({ learningRate: 0.1, ...clip });
    const a = tensor([1, 2, 3], { requiresGrad: true });
    const b = tensor([4, 5, 6, 7, 8], { requiresGrad: true });
    a.mul(tensor([1, 1, 1]))
      .sum()
      .add(b.mul(tensor([1, 1, 1, 1, Infinity])).sum())
      .backward();
    const found = optimizer.step([a, b], { checkFinite: true });
    expect(found).toEqual({ param: b, index: 4, value: Infinity });
    expect(Array.from(a.data)).toEqual([1, 2, 3]);
    expect(optimizer.iterations).toBe(0);
    expect(optimizer.getState([a, b]).slots.every((s) => s.values.every((x) => x === 0))).toBe(true);
  },
);

test.each([
  ['clipNorm 1', { clipNorm: 1 }],
  ['globalClipNorm 2', { globalClipNorm: 2 }],
  ['clipNorm 3 then globalClipNorm 2', { clipNorm: 3, globalClipNorm: 2 }],
])(
  '%s in the kernel: the update of unclipped gradients scaled by hand; the gradients are untouched',
  (_, clip) => {
    const values = (n: number, k: number) =>
      Array.from({ length: n }, (_, i) => Math.sin(k * i + 1) * (k + 1));
    const grads = [values(37, 1), values(64, 2)];
    const expected = [...grads.map((g) => Math.hypot(...g))];
    // The factors by hand: clipNorm per gradient, then globalClipNorm over the clipped ones.
    const perGradient = expected.map((norm) =>
      'clipNorm' in clip && norm > clip.clipNorm ? clip.clipNorm / norm : 1,
    );
    const globalNorm = Math.hypot(...expected.map((norm, i) => norm * perGradient[i]));
    const global =
      'globalClipNorm' in clip && globalNorm > clip.globalClipNorm ? clip.globalClipNorm / globalNorm : 1;
    const run = (options: object, scale: (i: number) => number) => {
      const params = grads.map((g, i) => tensor(values(g.length, 5 + i)));
      params.forEach((p, i) => (p.grad = tensor(grads[i].map((v) => v * scale(i)))));
      // SGD: the update is linear in the gradient (Adam would hide a missing factor).
      const optimizer = new SGD({ learningRate: 0.1, momentum: 0.9, ...options });
      for (let step = 0; step < 3; step++) expect(optimizer.step(params, { checkFinite: true })).toBeNull();
      return params;
    };
    const clipped = run(clip, () => 1);
    const byHand = run({}, (i) => perGradient[i] * global);
    clipped.forEach((p, i) => {
      Array.from(p.data).forEach((v, k) => expect(v).toBeCloseTo(byHand[i].data[k], 5));
      expect(Array.from(p.grad!.data)).toEqual(Array.from(new Float32Array(grads[i])));
    });
  },
);
