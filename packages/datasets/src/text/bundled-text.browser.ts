/** Browser twin of bundled-text.ts: the books are files of an npm package, read by Node.js. */
export type BundledTextName = 'moby-dick';

export function loadBundledText(name: BundledTextName): string {
  throw new Error(
    `loadBundledText('${String(name)}') reads its npm package's files, which needs Node.js; ` +
      'in a browser fetch the text and use it directly (e.g. with CharTokenizer.fromText)',
  );
}
