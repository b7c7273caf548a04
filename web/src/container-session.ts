/**
 * Runs a container in the terminal: it is started through `engine.containers` (so the Containers panel lists it,
 * with its logs and files), its output is followed from its log into the terminal, keystrokes go through the line
 * discipline to its stdin (interactive runs), Ctrl+C or Stop stops it as a signal would (a second time kills it),
 * and the end is reported as code and reason.
 * One container at a time.
 */
import type { Terminal } from '@xterm/xterm';
import type { Container, Engine, ExitStatus, LogChunk, RunMount } from '../../runtime/platform/entry.browser.ts';
import { LineDiscipline } from './line-discipline.ts';
import { describeExit } from './exit-text.ts';
import { shellWords } from './argv.ts';

export interface RunRequest {
  /** The image to run; with `wasm`, the module's name (shown, and argv[0]). */
  image: string;
  /** A module to run instead of an image (the C tab's compiled program). */
  wasm?: Uint8Array;
  args: string[];
  /** KEY=value lines from the form. */
  env: string[];
  /**
   * `keyboard`: stdin from the terminal, and a tty for the program (needs cross-origin isolation); `{ text }`: the
   * whole input given up front; `closed`: no input.
   */
  stdin: 'keyboard' | 'closed' | { text: string };
  mounts?: RunMount[];
}

export interface RunOutcome {
  status: ExitStatus;
  /** The status in words, as printed in the terminal. */
  description: string;
}

/** What stopped a container on the user's request, for the exit line. */
export type StopSource = 'Ctrl+C' | 'the Stop button' | 'the Containers panel';

interface ActiveRun {
  container: Container;
  discipline: LineDiscipline;
  stdin: WritableStreamDefaultWriter<Uint8Array> | null;
  stoppedBy: StopSource | null;
}

const encoder = new TextEncoder();
const DIM = '\x1b[2m';
const BOLD = '\x1b[1m';
const RESET = '\x1b[0m';

export class ContainerSession {
  private active: ActiveRun | null = null;
  /** Between Run and the process existing (the image's layers are read then): a stop asked for meanwhile. */
  private starting = false;
  private pendingStop: StopSource | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly term: Terminal,
  ) {
    term.onData((data) => this.keyboard(data));
  }

  get running(): boolean {
    return this.starting || this.active !== null;
  }

  /**
   * Starts `request`; resolves when it has ended. Rejects if it cannot start. `onStart` is called once the container
   * exists, i.e. from then on keystrokes reach it.
   */
  async run(request: RunRequest, onStart?: (container: Container) => void): Promise<RunOutcome> {
    if (this.running) throw new Error('a container is already running: stop it first (Ctrl+C)');
    this.newLine();
    this.term.write(`${BOLD}$ wasmbox run ${shellWords([request.image, ...request.args])}${RESET}\r\n`);
    this.starting = true;
    this.pendingStop = null;
    const keyboard = request.stdin === 'keyboard';
    let container: Container;
    try {
      container = await this.engine.containers.run({
        ...(request.wasm ? { wasm: request.wasm, name: request.image } : { image: request.image }),
        args: request.args,
        env: withTerminalSize(request.env, this.term),
        stdin: request.stdin === 'keyboard' ? 'pipe' : request.stdin === 'closed' ? 'closed' : request.stdin.text,
        tty: keyboard,
        ...(request.mounts && request.mounts.length > 0 ? { mounts: request.mounts } : {}),
      });
    } finally {
      this.starting = false;
    }
    // Input given up front is already the container's: only keyboard runs take keystrokes.
    const stdin = keyboard ? (container.stdin?.getWriter() ?? null) : null;
    const run: ActiveRun = { container, discipline: new LineDiscipline(), stdin, stoppedBy: null };
    this.active = run;
    onStart?.(container);
    if (this.pendingStop) this.stop(this.pendingStop);
    let status: ExitStatus;
    try {
      // The container records its own output; following its log shows the same bytes the Logs view will. The log
      // ends once the container has ended and all its output is in (container.done resolves at the same time).
      const shown = this.show(container.logs({ follow: true }));
      status = await container.done;
      await shown;
    } finally {
      this.active = null;
      try {
        run.stdin?.releaseLock();
      } catch {
        // Writes still pending into a finished process: nothing to hand back.
      }
    }
    const description = describeExit(status, run.stoppedBy);
    this.newLine();
    this.term.write(`${DIM}[${description}]${RESET}\r\n`);
    return { status, description };
  }

  /** The ID of the container in the terminal, if one is running there. */
  get containerId(): string | null {
    return this.active?.container.id ?? null;
  }

  /**
   * Stops the running container (or the one starting, as soon as it exists): Ctrl+C as SIGINT (130), the Stop button
   * as docker stop (143), so it ends at once at its next call and keeps what it wrote to volumes; a program that
   * makes no calls is killed after 3 s, and a second stop kills at once. The Containers panel's Kill kills.
   */
  stop(source: StopSource): void {
    const run = this.active;
    if (!run) {
      if (this.starting) this.pendingStop = source;
      return;
    }
    if (run.stoppedBy !== null || source === 'the Containers panel') run.container.kill();
    else run.container.stop({ code: source === 'Ctrl+C' ? 130 : 143, graceMs: 3000 });
    run.stoppedBy ??= source;
  }

  private keyboard(data: string): void {
    const run = this.active;
    if (!run?.stdin) {
      // Not running, starting, or stdin closed: only Ctrl+C means something.
      if (data.includes('\x03') && this.running) {
        this.term.write('^C\r\n');
        this.stop('Ctrl+C');
      }
      return;
    }
    for (const action of run.discipline.input(data)) {
      switch (action.kind) {
        case 'echo':
          this.term.write(action.text);
          break;
        case 'send':
          // A write after the program ended or closed its input fails; the exit line says what happened.
          run.stdin?.write(encoder.encode(action.text)).catch(() => undefined);
          break;
        case 'eof':
          run.stdin?.close().catch(() => undefined);
          run.stdin = null;
          break;
        case 'interrupt':
          this.stop('Ctrl+C');
          break;
      }
    }
  }

  /** Writes each chunk into the terminal until the log ends (the container ended). */
  private async show(log: ReadableStream<LogChunk>): Promise<void> {
    const reader = log.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        // Copy: the chunk may be a view on a buffer the channel reuses. Waiting for xterm to parse it is the
        // back-pressure that keeps a chatty program from queueing unbounded output in the page.
        await new Promise<void>((resolve) => this.term.write(value.bytes.slice(), resolve));
      }
    } finally {
      reader.releaseLock();
    }
  }

  private newLine(): void {
    if (this.term.buffer.active.cursorX !== 0) this.term.write('\r\n');
  }
}

/** COLUMNS and LINES of the terminal at start, unless the form sets them. */
function withTerminalSize(env: string[], term: Terminal): string[] {
  const has = (key: string): boolean => env.some((entry) => entry.startsWith(`${key}=`));
  return [...(has('COLUMNS') ? [] : [`COLUMNS=${term.cols}`]), ...(has('LINES') ? [] : [`LINES=${term.rows}`]), ...env];
}
