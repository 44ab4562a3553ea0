// Builds the ES-module forms of each package next to tsc's CommonJS output (dist/):
//   dist/esm/index.mjs      for Node's `import` (lazy `require` of optional parts kept working)
//   dist/browser/index.mjs  for bundlers targeting browsers: every source file `x.ts` that has a
//                           sibling `x.browser.ts` is replaced by it. A Node built-in still
//                           imported there is reported (and fails the browser-bundle test),
//                           without failing the install.
// Dependencies (other @zen packages, mathjs, seedrandom, …) stay imports, so a bundler
// resolves each package once through its `exports` map. Run by `npm run build` and
// `npm install`'s prepare step, after `tsc -b`.
import { build } from 'esbuild';
import { join } from 'node:path';
import { PACKAGES, ROOT, browserTwins, nodeImports } from './esbuild-plugins.mjs';

for (const name of PACKAGES) {
  const dir = join(ROOT, 'packages', name);
  const common = {
    entryPoints: [join(dir, 'src', 'index.ts')],
    bundle: true,
    format: 'esm',
    packages: 'external',
    target: 'es2022',
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
  };
  await build({
    ...common,
    platform: 'node',
    outfile: join(dir, 'dist', 'esm', 'index.mjs'),
    // Optional parts (mathjs, worker threads) are loaded with require on first use.
    banner: {
      js: "import { createRequire as __zenCreateRequire } from 'node:module';\nconst require = __zenCreateRequire(import.meta.url);",
    },
  });
  let browser;
  try {
    browser = await build({
      ...common,
      platform: 'browser',
      outfile: join(dir, 'dist', 'browser', 'index.mjs'),
      plugins: [browserTwins],
    });
  } catch {
    console.warn(`build-esm: warning: the browser build of @zen/${name} failed (errors above)`);
    continue;
  }
  const leftovers = nodeImports(browser.metafile);
  if (leftovers.length > 0) {
    console.warn(
      `build-esm: warning: the browser build of @zen/${name} still imports Node built-ins: ${leftovers.join(', ')} ` +
        '(give the module that imports them a .browser.ts twin)',
    );
  }
}
console.log(`build-esm: ES modules for ${PACKAGES.map((p) => `@zen/${p}`).join(', ')} (node and browser)`);
