/**
 * vfs host-dir (Node): bind mounts of host directories, built so that no guest path can reach outside the root.
 *
 * Three walls, each enough on its own for the cases it covers:
 * 1. The host never resolves a guest path. The VFS resolver walks components itself and expands every symlink in
 *    the guest namespace (absolute targets from the container root, as Docker does), so this module only ever sees
 *    one directory it already looked up plus one plain name (no `/`, `.`, `..` or NUL; checked again here).
 * 2. Every operation first opens the directory with O_DIRECTORY|O_NOFOLLOW and proves, with
 *    readlink(/proc/self/fd/N), that the opened directory lies inside the root; then it acts on
 *    `/proc/self/fd/N/<name>`, which the kernel resolves through that open descriptor, not through the path. A
 *    directory swapped for a symlink between two guest calls therefore fails the check (EACCES) or the O_NOFOLLOW
 *    open, instead of being followed out of the root.
 * 3. Final components are never followed: files open with O_NOFOLLOW (and are verified again through /proc),
 *    times use lutimes, and everything else (rename, unlink, link, mkdir, symlink, lstat) does not follow by nature.
 * Read-only mounts refuse every mutation with EROFS here as well as in the namespace layer.
 * Requires Linux /proc (mounting fails with ENOTSUP without it, rather than running with a race). Host node objects
 * are rebuilt on every lookup; a directory handle keeps its path, so a directory the host renames under a running
 * guest is no longer reachable through an old handle.
 * This file holds the walls (mounting, descriptor verification); the node classes are in host-nodes.node.ts.
 * Must not: follow a symlink on the host, pass a guest path with more than one component to node:fs, or cache fds.
 */
import {
  closeSync,
  constants,
  fstatSync,
  ftruncateSync,
  lstatSync,
  openSync,
  readlinkSync,
  realpathSync,
  type BigIntStats,
} from 'node:fs';
import type { HostDirProvider, OpenFile } from './api.ts';
import { fail, FsError } from './errors.ts';
import { HostFileHandle } from './host-file.node.ts';
import { HostDir } from './host-nodes.node.ts';
import { hostError } from './host-util.node.ts';
import type { Filesystem } from './vnode.ts';

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW } = constants;

/** The Node platform's HostDirProvider: `createContainerFs(spec, { hostDirs: new NodeHostDirs() })`. */
export class NodeHostDirs implements HostDirProvider {
  mountHostDir(hostPath: string, options: { readonly: boolean; dev: number }): Filesystem {
    return new HostFs(hostPath, options.readonly, options.dev);
  }
}

export class HostFs implements Filesystem {
  readonly inMemory = false;
  readonly root: HostDir;
  /** The root's real path; every descriptor must resolve to it or below it. */
  private readonly rootPath: string;
  private readonly inside: string;

  constructor(
    hostPath: string,
    readonly readonly: boolean,
    readonly dev: number,
  ) {
    let st: BigIntStats;
    try {
      this.rootPath = realpathSync(hostPath);
      st = lstatSync(this.rootPath, { bigint: true });
    } catch (e) {
      throw hostError(e);
    }
    if (!st.isDirectory()) fail('ENOTDIR');
    this.inside = this.rootPath === '/' ? '/' : this.rootPath + '/';
    closeSync(this.openDir('')); // fails now (ENOTSUP) if /proc cannot vouch for descriptors
    this.root = new HostDir(this, null, '', '', st);
  }

  /** Opens the directory at `rel` under the root without following a final symlink, and proves where it landed. */
  openDir(rel: string): number {
    let fd: number;
    try {
      fd = openSync(this.rootPath + rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    } catch (e) {
      const err = hostError(e);
      // The directory we looked up earlier is now a symlink (ELOOP, or ENOTDIR as O_DIRECTORY is checked first) or
      // a file: someone is racing us. Refuse; never follow.
      throw err.code === 'ELOOP' || err.code === 'ENOTDIR' ? FsError.of('EACCES') : err;
    }
    try {
      this.verify(fd);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    return fd;
  }

  /** EACCES unless the open descriptor `fd` is the root or lies below it (readlink of its /proc magic link). */
  verify(fd: number): void {
    let real: string;
    try {
      real = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      return fail('ENOTSUP');
    }
    if (real === this.rootPath || real.startsWith(this.inside)) return;
    if (real.endsWith(' (deleted)')) fail('ENOENT');
    fail('EACCES');
  }

  /** Runs `op` with a prefix that reaches `dir`'s entries through a verified descriptor; maps host errors. */
  inDir<T>(dir: HostDir, op: (base: string) => T): T {
    let fd = -1;
    try {
      fd = this.openDir(dir.rel);
      return op(`/proc/self/fd/${fd}/`);
    } catch (e) {
      throw hostError(e);
    } finally {
      if (fd >= 0) closeSync(fd);
    }
  }

  mutable(): void {
    if (this.readonly) fail('EROFS');
  }

  /** Verifies a freshly opened file descriptor and wraps it in a handle; closes it on any failure. */
  adopt(fd: number, write: boolean, truncate: boolean): OpenFile {
    try {
      this.verify(fd);
      if (!fstatSync(fd).isFile()) fail('ENOTSUP');
      if (truncate) ftruncateSync(fd, 0);
    } catch (e) {
      closeSync(fd);
      throw hostError(e);
    }
    return new HostFileHandle(fd, this.dev, this.readonly, write);
  }
}
