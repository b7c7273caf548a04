/**
 * engine: the one API that the CLI, the daemon and the web page share to run WASI containers.
 *
 * An `Engine` owns a warm worker pool and a compiled-module cache. `run` validates its options, prepares the module
 * and starts one container process in its own worker with its own filesystem. It knows nothing of argv, HTTP,
 * terminals or the DOM; platform specifics arrive through the `Platform` given to the constructor.
 *
 * Example:
 *   const engine = createEngine();                       // from the platform entry
 *   const proc = await engine.run({ wasm: bytes, args: ['hello'], stdin: 'pipe' });
 *   proc.stdout.pipeTo(sink); const status = await proc.exited; // { code: 0, reason: 'exit', message: '' }
 */
import type { Platform } from '../platform/platform.ts';
import { startProcess, type ContainerProcess } from '../process/container-process.ts';
import { ChannelPool } from '../process/channel-pool.ts';
import { WorkerPool } from '../process/worker-pool.ts';
import { WasmboxError } from '../../shared/errors.ts';
import { ModuleCache } from './module-cache.ts';
import { resolveRunOptions, type ResolvedRun, type RunLimits, type RunMount, type RunOptions } from './run-options.ts';
import { ImageService, type StoreSource } from './image-service.ts';
import { ImageRunner, locateExecutable, readLowerFile } from './image-run.ts';
import type { LowerEntry } from '../vfs/api.ts';
import type { LayerSnapshots } from './layer-snapshots.ts';
import { ContainerService, type LaunchedContainer } from './containers.ts';
import { ImageBuilder, type BuildOptions, type BuildResult } from '../../images/build/builder.ts';
import { EngineStepRunner } from './build-step-runner.ts';
import { VolumeService, type VolumeBackend } from './volumes.ts';
import type { MountChanges } from '../process/protocol.ts';

/** One build step's container (`runBuildStep`): the program named by argv[0] in `lowers`, run over them. */
export interface BuildStepRun {
  /** The image built so far, bottom layer first. */
  lowers: LowerEntry[];
  /** argv[0] is looked up in the layers as for `run({ image })` (a path, or a name in PATH of env, then `/`). */
  argv: string[];
  env: string[];
  workdir: string;
  limits?: RunLimits;
  /** Name for messages (e.g. `Dockerfile line 4`). */
  label?: string;
}

export type { RunOptions } from './run-options.ts';
export type { BuildResult } from '../../images/build/builder.ts';
export { memoryContext, type BuildContext, type MemoryContextFile } from '../../images/build/context.ts';
export { Container, ContainerService, type ContainerSummary, type ContainerState, type ContainerRunOptions, type LogChunk } from './containers.ts';
export type { ContainerProcess } from '../process/container-process.ts';
export type { ExitStatus, ExitReason } from '../process/exit-status.ts';
export { ImageService, storeName, type ImageHandle, type ImageSummary, type ImageInspect, type ImageHistoryItem, type StoreSource } from './image-service.ts';

export interface EngineBuildOptions extends BuildOptions {
  /** RUN steps' stdout and stderr, as they write it (default: discarded). */
  output?: (chunk: Uint8Array, stream: 'stdout' | 'stderr') => void;
  /** Limits for each RUN step's container. */
  limits?: RunLimits;
}

export interface EngineOptions {
  platform: Platform;
  /** Idle workers kept warm for the next container (default 2). */
  warmWorkers?: number;
  /**
   * The image store for `run({ image })` and `engine.images`: a store the caller owns, or a function that opens one
   * on first use (the engine then closes it in `close()`). Without it, image operations fail with FailedPrecondition.
   */
  store?: StoreSource;
  /** Where image layers are unpacked (default: in memory). The Node entry keeps them on disk. */
  layerSnapshots?: LayerSnapshots;
  /** Where named volumes live (Node: host directories; browser: IndexedDB). Without it, volumes are NotImplemented. */
  volumes?: VolumeBackend;
}

export class Engine {
  private readonly workers: WorkerPool;
  /** Stdio channels over shared memory; null on a platform without it (stdio then goes as messages). */
  private readonly channels: ChannelPool | null;
  private readonly modules = new ModuleCache();
  private readonly warmWorkers: number;
  private readonly imageRunner: ImageRunner;
  private closed = false;
  /** The engine's images: resolve names, list, layers as lower trees. */
  readonly images: ImageService;
  /** Containers as Docker shows them: named, listed, logged, killed, removed (containers.ts). */
  readonly containers: ContainerService;
  /** Named volumes (volumes.ts): host directories in Node, IndexedDB in the browser. */
  readonly volumes: VolumeService;

  constructor(private readonly options: EngineOptions) {
    this.warmWorkers = options.warmWorkers ?? 2;
    this.channels = options.platform.sharedMemory ? new ChannelPool() : null;
    this.workers = new WorkerPool(options.platform, { maxIdle: this.warmWorkers });
    this.images = new ImageService(options.store ?? noStore, options.layerSnapshots);
    this.imageRunner = new ImageRunner(this.images);
    this.containers = new ContainerService((options) => this.launch(options, true));
    this.volumes = new VolumeService(options.volumes ?? null);
  }

  /**
   * Whether containers can read stdin interactively (`stdin: 'pipe'`): true in Node and in cross-origin-isolated
   * pages; elsewhere stdin must be given up front (a page should say why: see the error `run` gives).
   */
  get interactiveStdin(): boolean {
    return this.channels !== null;
  }

  /** Starts idle workers now so the next runs start without spawning a thread. */
  async warm(count = this.warmWorkers): Promise<void> {
    await this.workers.prewarm(count);
  }

  /**
   * Starts a container process. Rejects with a WasmboxError before anything runs if the options or the module are
   * unusable (kinds: InvalidArgument, NotRunnable, ResourceExhausted, NotImplemented; with `image` also NotFound).
   * With `image`, the container's writes go to its own upper layer; the image's layers are shared and never change.
   */
  async run(options: RunOptions): Promise<ContainerProcess> {
    return (await this.launch(options, false)).proc;
  }

  /** `run`, keeping what the containers service needs: the layers, argv and (with `captureUpper`) the changes. */
  private async launch(options: RunOptions, captureUpper: boolean): Promise<LaunchedContainer> {
    if (this.closed) throw new WasmboxError('FailedPrecondition', 'engine is closed');
    let lowers: ResolvedRun['fs']['lowers'] = [];
    if (options.image !== undefined) {
      if (options.wasm !== undefined) throw new WasmboxError('InvalidArgument', 'give either wasm or image, not both');
      const { image, entrypoint, ...rest } = options;
      const prepared = await this.imageRunner.prepare({ image, entrypoint, args: options.args, env: options.env, workdir: options.workdir });
      lowers = prepared.lowers;
      options = {
        ...rest,
        wasm: prepared.wasm,
        name: options.name ?? prepared.path,
        argv0: options.argv0 ?? prepared.argv[0],
        args: prepared.argv.slice(1),
        env: prepared.env,
        workdir: prepared.workdir,
      };
    } else if (options.entrypoint !== undefined) {
      throw new WasmboxError('InvalidArgument', 'entrypoint is only for runs from an image');
    }
    return { ...(await this.start(options, lowers, captureUpper)), lowers };
  }

  /**
   * Runs one `RUN` step of a build: a container over `lowers` whose filesystem changes are kept; `proc.upper`
   * resolves with them once the program exits by itself (any exit code). stdin is closed.
   */
  async runBuildStep(step: BuildStepRun): Promise<ContainerProcess> {
    if (this.closed) throw new WasmboxError('FailedPrecondition', 'engine is closed');
    const label = step.label ?? 'build step';
    if (step.argv.length === 0) throw new WasmboxError('InvalidArgument', `${label}: empty command`);
    const path = locateExecutable(step.lowers, step.argv[0], step.env, step.workdir, label);
    const wasm = readLowerFile(step.lowers, path, label);
    const options: RunOptions = { wasm, name: path, argv0: step.argv[0], args: step.argv.slice(1), env: step.env, workdir: step.workdir };
    if (step.limits) options.limits = step.limits;
    return (await this.start(options, step.lowers, true)).proc;
  }

  private async start(options: RunOptions, lowers: LowerEntry[], captureUpper: boolean): Promise<{ proc: ContainerProcess; argv: string[] }> {
    const volumes = await this.attachVolumes(options.mounts ?? []);
    try {
      const started = await this.startAttached({ ...options, mounts: volumes.mounts }, lowers, captureUpper);
      const { proc } = started;
      // A volume's changes are saved before the caller learns the container ended (a page may reload right then).
      const saved = proc.mountChanges.then((changes) => volumes.release(changes));
      const exited = Promise.all([proc.exited, saved]).then(([status]) => status);
      return { ...started, proc: { ...proc, exited } };
    } catch (error) {
      await volumes.release([]);
      throw error;
    }
  }

  /** Named volumes in `mounts` replaced by what the platform mounts; `release` saves their changes after the run. */
  private async attachVolumes(mounts: RunMount[]): Promise<{ mounts: RunMount[]; release(changes: MountChanges[]): Promise<void> }> {
    const releases: Array<{ target: string; release(upper: LowerEntry<Uint8Array> | null): Promise<void> }> = [];
    const release = async (changes: MountChanges[]): Promise<void> => {
      for (const r of releases) await r.release(changes.find((c) => c.target === r.target)?.upper ?? null);
    };
    const out: RunMount[] = [];
    try {
      for (const mount of mounts) {
        if (mount.source?.kind !== 'volume') {
          out.push(mount);
          continue;
        }
        const attached = await this.volumes.attach(mount.source.name, Boolean(mount.readonly));
        releases.push({ target: mount.target, release: attached.release });
        out.push({ ...mount, source: attached.source });
      }
    } catch (error) {
      await release([]);
      throw error;
    }
    return { mounts: out, release };
  }

  private async startAttached(options: RunOptions, lowers: LowerEntry[], captureUpper: boolean): Promise<{ proc: ContainerProcess; argv: string[] }> {
    const resolved = resolveRunOptions(options, { hostDirs: this.options.platform.hostDirs });
    resolved.fs.lowers = lowers;
    if (this.channels === null && resolved.stdin === 'pipe' && resolved.stdinData === null) {
      throw new WasmboxError(
        'FailedPrecondition',
        'interactive stdin (stdin: "pipe") needs SharedArrayBuffer, which browsers give only to cross-origin-isolated pages: ' +
          'serve the page with "Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp", ' +
          'or pass the input up front (stdin: a string or Uint8Array)',
      );
    }
    // Ask for the worker first: a cold engine starts its thread while the module is hashed and compiled.
    const acquiring = this.workers.acquire();
    acquiring.catch(() => undefined); // handled below, after the compile
    let prepared;
    try {
      prepared = await this.modules.prepare(resolved.wasm, resolved.name, resolved.memoryLimitBytes);
    } catch (error) {
      acquiring.then((worker) => this.workers.release(worker), () => undefined);
      throw error;
    }
    let worker;
    try {
      worker = await acquiring;
    } catch (error) {
      throw new WasmboxError('Unavailable', `no container worker: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const proc = startProcess({ workers: this.workers, channels: this.channels }, worker, {
      module: prepared.module,
      args: resolved.args,
      env: resolved.env,
      fs: resolved.fs,
      stdin: resolved.stdinData ?? resolved.stdin,
      tty: resolved.tty,
      memoryLimitBytes: prepared.memoryLimitBytes,
      timeoutMs: resolved.timeoutMs,
      trace: resolved.trace,
      captureUpper,
    });
    return { proc, argv: resolved.args };
  }

  /**
   * `docker build`: builds `options.dockerfile` over `options.context` into the store (one transaction; a failed
   * build changes nothing), RUN steps in containers of this engine (their output to `output`), then unpacks the
   * image's layers where they persist. Resolves with the image ID and the names written.
   */
  async build(options: EngineBuildOptions): Promise<BuildResult> {
    const { output, limits, ...buildOptions } = options;
    const stepRunner = new EngineStepRunner(this, { ...(output ? { output } : {}), ...(limits ? { limits } : {}) });
    const result = await new ImageBuilder({ store: await this.images.store(), stepRunner }).build(buildOptions);
    await this.images.unpackLayers(result.id);
    return result;
  }

  /** Terminates idle workers. Running processes keep running until they end or are killed. */
  async close(): Promise<void> {
    this.closed = true;
    await this.workers.close();
    await this.images.close();
    await this.volumes.close();
  }
}

async function noStore(): Promise<never> {
  throw new WasmboxError('FailedPrecondition', 'this engine has no image store (createEngine({ store }))');
}
