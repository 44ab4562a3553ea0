/** The benchmark table's verdicts: ratios against a peer, absolute limits, unsupported peers. */
import { type ResultRow, ratio, targetMet, value } from '../src/results';
import { formatTable } from '../src/table';
import { median } from '../src/timing';

const row = (zen: number, cpu: number, wasm: number, target?: ResultRow['target']): ResultRow => ({
  name: 'case',
  unit: 'samples/s',
  figures: { zen: value(zen), 'tfjs-cpu': value(cpu), 'tfjs-wasm': value(wasm) },
  target,
});

test('a ratio target is met at or above the ratio, and not below', () => {
  expect(targetMet(row(200, 10, 100, { peer: 'tfjs-wasm', ratio: 2 }))).toBe(true);
  expect(targetMet(row(199, 10, 100, { peer: 'tfjs-wasm', ratio: 2 }))).toBe(false);
  expect(targetMet(row(1000, 10, 100, { peer: 'tfjs-cpu', ratio: 100 }))).toBe(true);
  expect(ratio(row(30, 10, 60), 'tfjs-cpu')).toBe(3);
  expect(targetMet(row(1, 1, 1))).toBeNull();
});

test('an absolute limit compares Zen-TS alone', () => {
  expect(targetMet(row(0.5, 9, 9, { atMost: 1 }))).toBe(true);
  expect(targetMet(row(1.5, 0, 0, { atMost: 1 }))).toBe(false);
});

test('an unsupported peer gives no ratio and no verdict, and the table says why', () => {
  const r: ResultRow = {
    name: 'CNN training',
    unit: 'samples/s',
    figures: {
      zen: value(3000),
      'tfjs-cpu': value(25, 'partial epoch: 256 of 10000 samples'),
      'tfjs-wasm': { kind: 'unsupported', reason: "Kernel 'Conv2DBackpropFilter' not registered" },
    },
    target: { peer: 'tfjs-wasm', ratio: 1 },
  };
  expect(ratio(r, 'tfjs-wasm')).toBeNull();
  expect(targetMet(r)).toBeNull();
  const text = formatTable([r]);
  expect(text).toContain('unsupported');
  expect(text).toContain('120×'); // 3000 / 25
  expect(text).toContain(
    "CNN training, tfjs-wasm: unsupported — Kernel 'Conv2DBackpropFilter' not registered",
  );
  expect(text).toContain('* CNN training, tfjs-cpu: partial epoch: 256 of 10000 samples');
});

test('PyTorch is an optional peer: a ratio when measured, a reason when not', () => {
  const measured: ResultRow = { ...row(6000, 10, 100, { peer: 'torch', ratio: 1 }), torch: value(12000) };
  expect(ratio(measured, 'torch')).toBe(0.5);
  expect(targetMet(measured)).toBe(false);
  expect(formatTable([measured])).toContain('0.50×');
  const absent: ResultRow = {
    ...row(6000, 10, 100),
    name: 'MLP training',
    torch: { kind: 'skipped', reason: 'PyTorch not installed for /usr/bin/python3' },
  };
  expect(ratio(absent, 'torch')).toBeNull();
  expect(formatTable([absent])).toContain(
    'MLP training, PyTorch: skipped — PyTorch not installed for /usr/bin/python3',
  );
  expect(ratio(row(1, 1, 1), 'torch')).toBeNull(); // a row the PyTorch script does not measure
});

test('median of odd and even counts', () => {
  expect(median([3, 1, 2])).toBe(2);
  expect(median([4, 1, 3, 2])).toBe(2.5);
  expect(() => median([])).toThrow(/no values/);
});
