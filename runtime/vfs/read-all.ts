/**
 * vfs read-all: the whole content of an open file, for host-side readers (an image's module, a file browser, tests);
 * guests read through fd_read. A file that shrinks while being read gives what was there.
 */
import type { OpenFile } from './api.ts';

export function readAll(file: OpenFile): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(file.size());
  let done = 0;
  while (done < bytes.length) {
    const got = file.read(bytes.subarray(done), done);
    if (got === 0) break;
    done += got;
  }
  return done === bytes.length ? bytes : bytes.slice(0, done);
}
