/** Browser twin of atomic-write.ts: there are no files to write in a page. */

export function writeFileAtomic(file: string, _bytes: Uint8Array): void {
  throw new Error(`cannot write ${file}: writing files needs Node.js`);
}
