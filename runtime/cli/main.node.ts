/**
 * The `wasmbox` command line (Node). Parses argv with commander and dispatches to one module per command.
 * Every failure becomes one line on stderr and a Docker-style exit code (`exit-code.ts`).
 */
import { Command, CommanderError, Option } from 'commander';
import { isWasmboxError } from '../../shared/errors.ts';
import type { MountSpec } from '../vfs/api.ts';
import { EXIT_WASMBOX_ERROR, exitCodeForError } from './exit-code.ts';
import { imagesCommand, loadCommand, pruneCommand, rmiCommand, saveCommand, tagCommand } from './image-commands.ts';
import { historyCommand } from './history-command.ts';
import { inspectCommand } from './inspect-command.ts';
import { buildCommand } from './build-command.ts';
import { runCommand } from './run-command.ts';
import { parseDuration, parseSize } from './units.ts';
import { parseVolume } from './volumes.ts';
import { volumeCreateCommand, volumeInspectCommand, volumeListCommand, volumeRemoveCommand } from './volume-commands.ts';

const collect = <T>(parse: (text: string) => T) => (value: string, previous: T[] = []): T[] => [...previous, parse(value)];

function envEntry(text: string): string {
  if (text.includes('=')) return text;
  const value = process.env[text]; // `-e NAME` passes the host's value of NAME, as docker does
  return value === undefined ? '' : `${text}=${value}`;
}

function buildProgram(): Command {
  const program = new Command('wasmbox')
    .description('Docker, rebuilt for WebAssembly: run WASI containers')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  program
    .command('run')
    .description('run a WASI module or an image in a new container')
    .argument('<file|image>', 'a WASI preview1 command module (.wasm), or an image from the store')
    .argument('[args...]', 'arguments for the program')
    .passThroughOptions()
    .option('-e, --env <KEY=VALUE>', 'set an environment variable (repeatable)', collect(envEntry), [])
    .option('-v, --volume <SOURCE:TARGET[:ro]>', 'mount a host dir or a named volume (repeatable)', collect(parseVolume), [])
    .option('-w, --workdir <dir>', 'working directory inside the container')
    .addOption(new Option('-m, --memory <size>', 'memory limit, e.g. 64m').argParser(parseSize))
    .addOption(new Option('--timeout <duration>', 'stop the container after this long, e.g. 10s').argParser(parseDuration))
    .option('-i, --interactive', 'keep stdin open and stream it to the container', false)
    .option('-t, --tty', 'tell the program its stdout is a terminal', false)
    .option('--trace', 'print every WASI call to stderr', false)
    .option('--entrypoint <path>', "override the image's entrypoint")
    .action(async (file: string, args: string[], options) => {
      process.exitCode = await runCommand(file, args, {
        ...options,
        env: (options.env as string[]).filter(Boolean),
        volume: options.volume as MountSpec[],
      });
    });

  program
    .command('build')
    .description('build an image from a Dockerfile (a subset: see the README)')
    .argument('<context>', 'the build context directory')
    .option('-t, --tag <name:tag>', 'name the image (repeatable)', collect((t: string) => t), [])
    .option('-f, --file <path>', 'the Dockerfile (default: CONTEXT/Dockerfile)')
    .option('--build-arg <KEY=VALUE>', 'set a build-time ARG (repeatable)', collect((t: string) => t), [])
    .option('--no-cache', 'use no cached layer: build every step again')
    .action(async (context: string, options) => {
      // commander turns --no-cache into `cache: false`
      process.exitCode = await buildCommand(context, { tag: options.tag, file: options.file, buildArgs: options.buildArg, noCache: options.cache === false });
    });

  program
    .command('load')
    .description('load images from a tar archive (OCI layout or docker save; plain or gzip), or from stdin')
    .option('-i, --input <file>', 'read from this tar archive file instead of stdin')
    .action(async (options: { input?: string }) => loadCommand(options, process.stdout));

  program
    .command('save')
    .description('save images to a tar archive that is both an OCI image layout and a docker save archive')
    .argument('<image...>', 'images to save')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (images: string[], options: { output?: string }) => saveCommand(images, options, process.stdout));

  program
    .command('images')
    .description('list images')
    .option('-q, --quiet', 'only show image IDs', false)
    .action(async (options: { quiet?: boolean }) => imagesCommand(options, process.stdout));

  program
    .command('rmi')
    .description('remove images (untag, and delete what only they used)')
    .argument('<image...>', 'images to remove')
    .option('-f, --force', 'remove an image ID referenced by several names', false)
    .action(async (images: string[], options: { force?: boolean }) => rmiCommand(images, options, process.stdout));

  program
    .command('tag')
    .description('create a tag TARGET that refers to SOURCE')
    .argument('<source>', 'image name or ID')
    .argument('<target>', 'new name[:tag]')
    .action(async (source: string, target: string) => tagCommand(source, target));

  program
    .command('inspect')
    .description('show images as JSON (docker image inspect)')
    .argument('<image...>', 'image names or IDs')
    .action(async (images: string[]) => {
      process.exitCode = await inspectCommand(images, process.stdout, process.stderr);
    });

  program
    .command('history')
    .description("show an image's build steps, newest first")
    .argument('<image>', 'image name or ID')
    .option('--no-trunc', "don't truncate output")
    .option('-q, --quiet', 'only show image IDs', false)
    .action(async (image: string, options: { trunc: boolean; quiet: boolean }) =>
      historyCommand(image, { noTrunc: !options.trunc, quiet: options.quiet }, process.stdout));

  const image = program.command('image').description('manage images');
  image
    .command('prune')
    .description('remove untagged images and unreferenced blobs')
    .option('-f, --force', 'do not prompt for confirmation (there is no prompt)', false)
    .action(async () => pruneCommand(process.stdout));
  image.command('inspect').description('show images as JSON').argument('<image...>', 'image names or IDs')
    .action(async (images: string[]) => {
      process.exitCode = await inspectCommand(images, process.stdout, process.stderr);
    });
  image.command('history').description("show an image's build steps").argument('<image>', 'image name or ID')
    .option('--no-trunc', "don't truncate output").option('-q, --quiet', 'only show image IDs', false)
    .action(async (name: string, options: { trunc: boolean; quiet: boolean }) =>
      historyCommand(name, { noTrunc: !options.trunc, quiet: options.quiet }, process.stdout));
  image.command('ls').description('list images').option('-q, --quiet', 'only show image IDs', false)
    .action(async (options: { quiet?: boolean }) => imagesCommand(options, process.stdout));
  const volume = program.command('volume').description('manage named volumes');
  volume.command('create').description('create a volume').argument('<name>', 'the volume name')
    .action(async (name: string) => {
      process.exitCode = await volumeCreateCommand(name, process.stdout, process.stderr);
    });
  volume.command('ls').description('list volumes').option('-q, --quiet', 'only show volume names', false)
    .action(async (options: { quiet?: boolean }) => volumeListCommand(options, process.stdout));
  volume.command('rm').description('remove volumes').argument('<name...>', 'volume names')
    .action(async (names: string[]) => {
      process.exitCode = await volumeRemoveCommand(names, process.stdout, process.stderr);
    });
  volume.command('inspect').description('show volumes as JSON').argument('<name...>', 'volume names')
    .action(async (names: string[]) => {
      process.exitCode = await volumeInspectCommand(names, process.stdout, process.stderr);
    });
  return program;
}

async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors already printed their message.
      process.exitCode = error.exitCode === 0 ? 0 : EXIT_WASMBOX_ERROR;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`wasmbox: ${message}\n`);
    process.exitCode = isWasmboxError(error) ? exitCodeForError(error) : EXIT_WASMBOX_ERROR;
  }
}

await main(process.argv);
