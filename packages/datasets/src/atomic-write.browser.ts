/** Browser twin of atomic-write.ts: there are no files to write in a page. */

function needsNode(file: string): Error {
  return new Error(`cannot write ${file}: writing files needs Node.js`);
}

export function isTemporaryNameOf(name: string, base: string): boolean {
  return name.startsWith(`.${base}.`) && name.endsWith('.tmp');
}

export async function syncDirectory(_dir: string): Promise<void> {}

export async function writeNewFileDurably(file: string, _data: Uint8Array | string): Promise<void> {
  throw needsNode(file);
}

export async function writeFileAtomic(file: string, _data: Uint8Array | string): Promise<void> {
  throw needsNode(file);
}

export function writeFileAtomicSync(file: string, _data: Uint8Array | string): void {
  throw needsNode(file);
}
