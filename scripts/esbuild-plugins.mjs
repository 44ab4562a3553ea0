// esbuild helpers shared by the package build (build-esm.mjs) and the web example's build.
import { existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PACKAGES = ['autograd-core', 'datasets', 'nn'];
const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** Swaps `./x` for `./x.browser.ts` wherever that file exists (the browser/node split of the sources). */
export const browserTwins = {
  name: 'browser-twins',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      const base = resolve(args.resolveDir, args.path);
      for (const candidate of [`${base}.browser.ts`, join(base, 'index.browser.ts')]) {
        if (existsSync(candidate)) return { path: candidate };
      }
      return undefined;
    });
  },
};

/** Resolves `@zen/<package>` to its TypeScript sources (bundling the current sources, not dist/). */
export const zenSources = {
  name: 'zen-sources',
  setup(b) {
    b.onResolve({ filter: /^@zen\/[a-z-]+$/ }, (args) => {
      const name = args.path.slice('@zen/'.length);
      if (!PACKAGES.includes(name)) return undefined;
      return { path: join(ROOT, 'packages', name, 'src', 'index.ts') };
    });
  },
};

/** The Node built-ins a build's output still imports (a metafile from a build with `metafile: true`). */
export function nodeImports(metafile) {
  const found = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const { path } of output.imports) if (NODE_BUILTINS.has(path)) found.add(path);
  }
  return [...found];
}
