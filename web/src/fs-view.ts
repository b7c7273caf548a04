/**
 * Reading and writing a ContainerFs from the page (file browsers, uploads): list a directory, read or write a whole
 * file, and the filesystem's error codes in words. The VFS is synchronous and throws FsError values (codes, not
 * Error objects), so callers get plain sentences from `fsErrorText` instead of "[object Object]".
 */
import { readAll, type ContainerFs } from '../../runtime/platform/entry.browser.ts';
import type { FileType, OpenDir, OpenOptions } from '../../runtime/platform/entry.browser.ts';

export interface FsEntry {
  name: string;
  /** Absolute path in the filesystem. */
  path: string;
  type: FileType;
  /** Bytes (files); 0 for directories and devices. */
  size: number;
  /** Symlinks: where they point. */
  target?: string;
}

const READ: OpenOptions = { follow: true, create: false, exclusive: false, truncate: false, directory: false, write: false };

export function joinPath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

export function parentPath(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut <= 0 ? '/' : path.slice(0, cut);
}

/** Runs `fn` with a fresh root handle, closed afterwards (handles are per call, as a guest's would be). */
function withRoot<T>(fs: ContainerFs, fn: (root: OpenDir) => T): T {
  const root = fs.root();
  try {
    return fn(root);
  } finally {
    root.close();
  }
}

/** The entries of directory `path` (without `.` and `..`), directories first, then by name. */
export function listDir(fs: ContainerFs, path: string): FsEntry[] {
  return withRoot(fs, (root) => {
    const dir = fs.open(root, path, { ...READ, directory: true });
    if (dir.kind !== 'dir') throw new Error(`${path} is not a directory`);
    let names;
    try {
      names = dir.entries().filter((e) => e.name !== '.' && e.name !== '..');
    } finally {
      dir.close();
    }
    const entries = names.map((e): FsEntry => {
      const entry: FsEntry = { name: e.name, path: joinPath(path, e.name), type: e.type, size: 0 };
      try {
        if (e.type === 'file') entry.size = fs.stat(root, entry.path, false).size;
        if (e.type === 'symlink') entry.target = fs.readlink(root, entry.path);
      } catch {
        // Listed but unreadable: shown without a size.
      }
      return entry;
    });
    return entries.sort((a, b) => Number(b.type === 'dir') - Number(a.type === 'dir') || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  });
}

/** What `path` is once symlinks are followed ('dir' for a link to a directory). */
export function typeOf(fs: ContainerFs, path: string): FileType {
  return withRoot(fs, (root) => fs.stat(root, path, true).type);
}

/** The whole file (it is in memory already: image layers and volumes live in the page). */
export function readWholeFile(fs: ContainerFs, path: string): Uint8Array<ArrayBuffer> {
  return withRoot(fs, (root) => {
    const file = fs.open(root, path, READ);
    if (file.kind !== 'file') throw new Error(`${path} is a directory`);
    try {
      return readAll(file);
    } finally {
      file.close();
    }
  });
}

/** Creates or replaces the file at `path` with `bytes`. */
export function writeWholeFile(fs: ContainerFs, path: string, bytes: Uint8Array): void {
  withRoot(fs, (root) => {
    const file = fs.open(root, path, { ...READ, create: true, truncate: true, write: true });
    if (file.kind !== 'file') throw new Error(`${path} is a directory`);
    try {
      file.write(bytes, 0);
    } finally {
      file.close();
    }
  });
}

const FS_WORDS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EROFS: 'read-only filesystem',
  EACCES: 'permission denied',
  ENOSPC: 'no space left (storage quota)',
  ELOOP: 'too many symbolic links',
  EEXIST: 'already exists',
  ENAMETOOLONG: 'name too long',
};

/** An FsError (or anything else thrown) as words, naming `path`. */
export function fsErrorText(error: unknown, path: string): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : null;
  if (code && /^E[A-Z]+$/.test(code)) return `${path}: ${FS_WORDS[code] ?? 'filesystem error'} (${code})`;
  return `${path}: ${error instanceof Error ? error.message : String(error)}`;
}
