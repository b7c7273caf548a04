/**
 * build context (Node): a host directory as a build context. Symlinks are reported as symlinks (never followed
 * out of the context); other special files (sockets, FIFOs, devices) are refused with a clear error.
 */
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { WasmboxError } from '../../shared/errors.ts';
import type { BuildContext, ContextEntry } from './context.ts';

export function directoryContext(root: string): BuildContext {
  return {
    async list() {
      const out: ContextEntry[] = [];
      const walk = async (rel: string): Promise<void> => {
        const names = (await readdir(join(root, rel))).sort();
        for (const name of names) {
          const path = rel === '' ? name : `${rel}/${name}`;
          const full = join(root, path);
          const st = await lstat(full);
          const mode = st.mode & 0o7777;
          if (st.isDirectory()) {
            out.push({ path, kind: 'dir', mode });
            await walk(path);
          } else if (st.isFile()) {
            out.push({ path, kind: 'file', mode, read: async () => new Uint8Array(await readFile(full)) });
          } else if (st.isSymbolicLink()) {
            out.push({ path, kind: 'symlink', mode: 0o777, linkTarget: await readlink(full) });
          } else {
            throw new WasmboxError('InvalidArgument', `build context: ${path} is not a file, directory or symlink`);
          }
        }
      };
      await walk('');
      return out;
    },
    async readFile(path) {
      try {
        return new Uint8Array(await readFile(join(root, path)));
      } catch (error) {
        if ((error as { code?: string }).code === 'ENOENT') return undefined;
        throw error;
      }
    },
  };
}
