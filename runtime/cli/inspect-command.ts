/**
 * cli inspect-command: `wasmbox inspect IMAGE...` (docker's `image inspect`): a JSON array, one object per image
 * in the order asked, in the Docker API's shape (Id = root digest, RepoTags, RepoDigests, Created, Architecture, Os,
 * Variant, Config {Env, Entrypoint, Cmd, WorkingDir, Labels, …}, RootFS {Type, Layers = diff_ids}, Size), from the
 * engine's ImageService. As docker does, images that are not found are reported on stderr
 * (`Error: No such image: X`), the others are still printed, and the exit code is then 1.
 */
import { isWasmboxError } from '../../shared/errors.ts';
import type { ImageInspect } from '../engine/image-service.ts';
import { withImages } from './image-commands.ts';
import type { Output } from './output.ts';

export const EXIT_INSPECT_FAILED = 1;

/** Resolves with the exit code: 0, or 1 when some image could not be inspected. */
export async function inspectCommand(inputs: string[], out: Output, err: Output): Promise<number> {
  const found: ImageInspect[] = [];
  let failed = false;
  await withImages(async (images) => {
    for (const input of inputs) {
      try {
        found.push(await images.inspect(input));
      } catch (error) {
        if (!isWasmboxError(error)) throw error;
        failed = true;
        err.write(error.kind === 'NotFound' ? `Error: No such image: ${input}\n` : `Error: ${input}: ${error.message}\n`);
      }
    }
  });
  out.write(`${JSON.stringify(found, null, 4)}\n`);
  return failed ? EXIT_INSPECT_FAILED : 0;
}
