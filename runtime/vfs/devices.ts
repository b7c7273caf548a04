/**
 * vfs devices: the container's /dev — a small memory filesystem holding null, zero, random and urandom, mounted at
 * /dev in every container as Docker mounts a tmpfs there.
 *
 * Device behaviour is in `device-handle.ts`. Must not: expose any host device.
 */
import type { NowNs } from './clock.ts';
import { MemFs } from './memory-fs.ts';
import type { Quota } from './quota.ts';

export function createDevFs(options: { dev: number; quota: Quota; now: NowNs }): MemFs {
  const fs = new MemFs({ ...options, readonly: false, rootMode: 0o755 });
  fs.root.mknod('null', 'null', 0o666);
  fs.root.mknod('zero', 'zero', 0o666);
  // Linux's /dev/random no longer blocks once the pool is seeded: both are the CSPRNG.
  fs.root.mknod('random', 'urandom', 0o666);
  fs.root.mknod('urandom', 'urandom', 0o666);
  return fs;
}
