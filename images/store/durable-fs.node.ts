/**
 * store durable-fs: the few filesystem steps crash safety rests on — a file written and fsynced before it is
 * renamed into place, and the directory fsynced after, so a rename survives power loss (POSIX rename(2) is atomic;
 * the fsync of the parent directory makes it durable on ext4/xfs).
 */
import { type FileHandle, open } from 'node:fs/promises';

export async function writeDurable(path: string, bytes: Uint8Array): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'w');
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle?.close();
  }
}

export async function syncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EBADF') throw error; // not on every OS
  } finally {
    await handle?.close();
  }
}

export function missing(error: unknown): undefined {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'ELOOP') return undefined;
  throw error;
}
