/** Node child processes of the bench run under the bench's own Node flags. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { nodeChildArguments, runNodeChild } from '../src/node-child';

test("a child gets the bench's flags, then its own (once), then the script and its arguments", () => {
  const bench = ['--experimental-wasm-relaxed-simd', '--expose-gc'];
  expect(nodeChildArguments('child.js', ['zen', '5'], ['--expose-gc'], bench)).toEqual([
    '--experimental-wasm-relaxed-simd',
    '--expose-gc',
    'child.js',
    'zen',
    '5',
  ]);
  expect(nodeChildArguments('child.js', ['a'], ['--expose-gc'], [])).toEqual([
    '--expose-gc',
    'child.js',
    'a',
  ]);
  expect(nodeChildArguments('child.js', [])).toEqual([...process.execArgv, 'child.js']);
});

test("a real child runs under the bench's flags (process.execArgv) and its own", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zen-node-child-'));
  const script = path.join(dir, 'flags.js');
  fs.writeFileSync(
    script,
    'process.stdout.write(JSON.stringify({ flags: process.execArgv, args: process.argv.slice(2), gc: typeof gc }));',
  );
  const benchFlags = process.execArgv;
  // As if the bench had been started with `node --max-old-space-size=300 run.js`.
  process.execArgv = [...benchFlags, '--max-old-space-size=300'];
  try {
    const result = runNodeChild(script, ['x', '1'], { flags: ['--expose-gc'] });
    expect(result.status).toBe(0);
    const seen = JSON.parse(result.stdout) as { flags: string[]; args: string[]; gc: string };
    expect(seen.flags).toEqual([...benchFlags, '--max-old-space-size=300', '--expose-gc']);
    expect(seen.args).toEqual(['x', '1']);
    expect(seen.gc).toBe('function');
  } finally {
    process.execArgv = benchFlags;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
