/**
 * engine containers: containers as Docker shows them — named, listed with their state and how they ended, their
 * output kept as logs, killed and removed — on top of `engine.run`, for the web page and (later) the daemon.
 *
 * A container records its own output: both streams are read as the guest writes them (as Docker's log driver
 * does), so a container nobody watches never blocks on a full pipe; the last `LOG_LIMIT_BYTES` per container are
 * kept. `logs({ follow })` gives what was kept, then (with `follow`) what comes until the container ends.
 * When a container ends by itself its filesystem changes are kept (`captureUpper`), so `files()` can show its final
 * filesystem (image layers + its own layer); a killed container's worker is gone with its changes.
 * Lifetime: containers stay listed until `remove`; they live in this engine only (a page reload forgets them).
 */
import { WasmboxError } from '../../shared/errors.ts';
import type { ContainerProcess } from '../process/container-process.ts';
import type { ExitStatus } from '../process/exit-status.ts';
import type { LowerEntry } from '../vfs/api.ts';
import { createContainerFs, type ContainerFs } from '../vfs/container-fs.ts';
import type { RunOptions } from './run-options.ts';

/** What `launch` gives back: the process and what its filesystem was made of. */
export interface LaunchedContainer {
  proc: ContainerProcess;
  lowers: LowerEntry[];
  /** argv as run (argv[0] first). */
  argv: string[];
}

export type ContainerState = 'running' | 'exited';

export interface ContainerSummary {
  /** 64 hex digits, as Docker's IDs; commands take any unique prefix. */
  id: string;
  name: string;
  /** The image name as given, or the module's name for a bare module. */
  image: string;
  command: string[];
  /** Unix milliseconds. */
  created: number;
  state: ContainerState;
  /** How it ended; null while running. */
  exit: ExitStatus | null;
  finishedAt: number | null;
}

export interface LogChunk {
  stream: 'stdout' | 'stderr';
  bytes: Uint8Array;
}

export interface ContainerRunOptions extends RunOptions {
  /** A unique name (`[a-zA-Z0-9][a-zA-Z0-9_.-]*`); default: a generated one. */
  containerName?: string;
}

const LOG_LIMIT_BYTES = 1 << 20;
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export class Container {
  private state: ContainerState = 'running';
  private exitStatus: ExitStatus | null = null;
  private finished: number | null = null;
  private readonly log: LogChunk[] = [];
  private logBytes = 0;
  private readonly followers = new Set<ReadableStreamDefaultController<LogChunk>>();
  private upper: LowerEntry<Uint8Array> | null = null;
  /** Resolves when the container has ended and its output is all in the log. */
  readonly done: Promise<ExitStatus>;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly image: string,
    private readonly launched: LaunchedContainer,
    readonly created = Date.now(),
  ) {
    const { proc } = launched;
    const outputs = Promise.all([this.record(proc.stdout, 'stdout'), this.record(proc.stderr, 'stderr')]);
    void proc.upper.then((upper) => {
      this.upper = upper;
    });
    const finish = (): void => {
      this.state = 'exited';
      this.finished = Date.now();
      for (const follower of this.followers) follower.close();
      this.followers.clear();
    };
    this.done = Promise.all([proc.exited, outputs]).then(
      ([status]) => {
        this.exitStatus = status;
        finish();
        return status;
      },
      (error: unknown) => {
        finish(); // a host failure (exit null): followers must not wait forever
        throw error;
      },
    );
    this.done.catch(() => undefined);
  }

  /** The guest's stdin (with `stdin: 'pipe'`), else null. */
  get stdin(): WritableStream<Uint8Array> | null {
    return this.launched.proc.stdin;
  }

  summary(): ContainerSummary {
    return {
      id: this.id,
      name: this.name,
      image: this.image,
      command: [...this.launched.argv],
      created: this.created,
      state: this.state,
      exit: this.exitStatus,
      finishedAt: this.finished,
    };
  }

  /** Stops it at once (reason `killed`, 137). No-op once it has ended. */
  kill(): void {
    this.launched.proc.kill();
  }

  /**
   * Asks it to end, as `docker stop` (code 143) or Ctrl+C (130): it exits at its next syscall and keeps its changes
   * (volumes, `files()`); killed after `graceMs` (default 10 s) if it does not.
   */
  stop(options?: { code?: number; graceMs?: number }): void {
    this.launched.proc.stop(options);
  }

  /** What it wrote (the last 1 MiB), then, with `follow`, everything it writes until it ends. */
  logs(options: { follow?: boolean } = {}): ReadableStream<LogChunk> {
    const kept = [...this.log];
    const follow = options.follow === true && this.state === 'running';
    let self: ReadableStreamDefaultController<LogChunk> | undefined;
    return new ReadableStream<LogChunk>({
      start: (controller) => {
        for (const chunk of kept) controller.enqueue(chunk);
        if (!follow) controller.close();
        else {
          self = controller;
          this.followers.add(controller);
        }
      },
      cancel: () => {
        if (self) this.followers.delete(self);
      },
    });
  }

  /**
   * Its final filesystem, read-only: the image's layers with its own layer on top. Null while it runs, and when it
   * did not end by itself (killed, timed out, crashed: its changes went with its worker).
   */
  files(): ContainerFs | null {
    if (this.state === 'running' || this.upper === null) return null;
    return createContainerFs({ lowers: [...this.launched.lowers, this.upper], mounts: [], workdir: '', quotaBytes: 0 });
  }

  private async record(stream: ReadableStream<Uint8Array>, name: 'stdout' | 'stderr'): Promise<void> {
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      const chunk: LogChunk = { stream: name, bytes: value };
      this.log.push(chunk);
      this.logBytes += value.byteLength;
      while (this.logBytes > LOG_LIMIT_BYTES && this.log.length > 1) this.logBytes -= this.log.shift()!.bytes.byteLength;
      for (const follower of this.followers) follower.enqueue(chunk);
    }
  }
}

/** The engine's containers (`engine.containers`). */
export class ContainerService {
  private readonly containers = new Map<string, Container>();
  private counter = 0;

  constructor(private readonly launch: (options: RunOptions) => Promise<LaunchedContainer>) {}

  /** Creates and starts a container (`docker run -d`); errors before anything runs are thrown, as `engine.run`'s. */
  async run(options: ContainerRunOptions): Promise<Container> {
    const { containerName, ...runOptions } = options;
    const name = containerName ?? this.generatedName();
    if (!NAME.test(name)) throw new WasmboxError('InvalidArgument', `invalid container name "${name}": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    if ([...this.containers.values()].some((c) => c.name === name)) {
      throw new WasmboxError('Conflict', `the container name "${name}" is already in use`);
    }
    const launched = await this.launch(runOptions);
    const container = new Container(randomId(), name, options.image ?? options.name ?? 'module', launched);
    this.containers.set(container.id, container);
    return container;
  }

  /** Newest first; running ones only unless `all` (as `docker ps [-a]`). */
  list(options: { all?: boolean } = {}): ContainerSummary[] {
    return [...this.containers.values()]
      .map((c) => c.summary())
      .filter((s) => options.all || s.state === 'running')
      .sort((a, b) => b.created - a.created);
  }

  /** By name, full ID or unique ID prefix; NotFound otherwise. */
  get(idOrName: string): Container {
    const byName = [...this.containers.values()].find((c) => c.name === idOrName);
    if (byName) return byName;
    const matches = /^[0-9a-f]+$/.test(idOrName) ? [...this.containers.values()].filter((c) => c.id.startsWith(idOrName)) : [];
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) throw new WasmboxError('InvalidArgument', `container ID prefix "${idOrName}" is ambiguous`);
    throw new WasmboxError('NotFound', `No such container: ${idOrName}`);
  }

  /** Forgets a container; a running one only with `force` (it is killed first), as `docker rm [-f]`. */
  async remove(idOrName: string, options: { force?: boolean } = {}): Promise<void> {
    const container = this.get(idOrName);
    if (container.summary().state === 'running') {
      if (!options.force) throw new WasmboxError('Conflict', `cannot remove container ${container.name}: it is running (kill it first, or force)`);
      container.kill();
      await container.done.catch(() => undefined);
    }
    this.containers.delete(container.id);
  }

  private generatedName(): string {
    let name: string;
    do name = `wasmbox-${++this.counter}`;
    while ([...this.containers.values()].some((c) => c.name === name));
    return name;
  }
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
