/**
 * Node-only: replacing a file so that readers (and a crash at any instant) see either the
 * old content or the new, never a mix. The bytes go to a temporary name in the same
 * folder, are flushed to disk (fsync), and are renamed over the target; the folder is
 * then flushed so the rename itself survives a power cut.
 */
import * as fs from 'fs';
import * as path from 'path';
import { randomBytes } from 'crypto';

/** A fresh temporary name next to `file` (hidden, unique to this process and call). */
export function temporaryNameFor(file: string): string {
  return path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`,
  );
}

/** Whether `name` (a bare file name) is a temporary file left behind by a writer of `base`. */
export function isTemporaryNameOf(name: string, base: string): boolean {
  return name.startsWith(`.${base}.`) && name.endsWith('.tmp');
}

/** Flushes a directory's entries (renames, creations); a no-op where the platform cannot. */
export function syncDirectorySync(dir: string): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Windows cannot open or fsync a directory; its renames are durable on their own.
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

/** Async form of syncDirectorySync. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.promises.FileHandle | null = null;
  try {
    handle = await fs.promises.open(dir, 'r');
    await handle.sync();
  } catch {
    // See syncDirectorySync.
  } finally {
    await handle?.close();
  }
}

/** Creates `file` (which must not exist yet) holding `data`, flushed to disk before returning. */
export async function writeNewFileDurably(file: string, data: Uint8Array | string): Promise<void> {
  const handle = await fs.promises.open(file, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Replaces `file` with `data` atomically and durably (temporary name, fsync, rename, fsync folder). */
export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const temporary = temporaryNameFor(file);
  try {
    await writeNewFileDurably(temporary, data);
    await fs.promises.rename(temporary, file);
  } catch (error) {
    await fs.promises.rm(temporary, { force: true });
    throw error;
  }
  await syncDirectory(path.dirname(file));
}

/** Synchronous form of writeFileAtomic. */
export function writeFileAtomicSync(file: string, data: Uint8Array | string): void {
  const temporary = temporaryNameFor(file);
  try {
    const fd = fs.openSync(temporary, 'wx');
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
  syncDirectorySync(path.dirname(file));
}
