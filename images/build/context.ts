/**
 * build context: the files a build may COPY/ADD, behind one small interface so the builder runs in Node (a
 * directory: `context.node.ts`) and in browsers (files held in memory: `memoryContext`).
 * Paths are relative to the context root, `/`-separated, without `.`/`..` components or a leading `/`.
 * Must not: import node:*.
 */

export interface ContextEntry {
  path: string;
  kind: 'file' | 'dir' | 'symlink';
  /** Permission bits. */
  mode: number;
  /** Symlinks: the target as stored. */
  linkTarget?: string;
  /** Files: the bytes (read when needed). */
  read?(): Promise<Uint8Array>;
}

export interface BuildContext {
  /** Every entry below the root, parents before children (any order otherwise). */
  list(): Promise<ContextEntry[]>;
  /** A file's bytes, or undefined when there is no such file (used for the Dockerfile and .dockerignore). */
  readFile(path: string): Promise<Uint8Array | undefined>;
}

export type MemoryContextFile = string | Uint8Array | { data: string | Uint8Array; mode?: number } | { symlink: string };

/** A context from a map of path -> contents (parent directories implied, mode 0755). Files default to mode 0644. */
export function memoryContext(files: Record<string, MemoryContextFile>): BuildContext {
  const enc = new TextEncoder();
  const entries = new Map<string, ContextEntry>();
  for (const [rawPath, value] of Object.entries(files)) {
    const path = rawPath.split('/').filter((p) => p !== '' && p !== '.').join('/');
    const parts = path.split('/');
    for (let n = 1; n < parts.length; n++) {
      const dir = parts.slice(0, n).join('/');
      if (!entries.has(dir)) entries.set(dir, { path: dir, kind: 'dir', mode: 0o755 });
    }
    if (typeof value === 'object' && 'symlink' in value) {
      entries.set(path, { path, kind: 'symlink', mode: 0o777, linkTarget: value.symlink });
      continue;
    }
    const spec = typeof value === 'string' || value instanceof Uint8Array ? { data: value } : value;
    const data = typeof spec.data === 'string' ? enc.encode(spec.data) : spec.data;
    entries.set(path, { path, kind: 'file', mode: spec.mode ?? 0o644, read: async () => data });
  }
  const sorted = [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    list: async () => sorted,
    readFile: async (path) => {
      const entry = entries.get(path);
      return entry?.kind === 'file' ? entry.read!() : undefined;
    },
  };
}
