/**
 * Runs a container in the terminal: its stdout and stderr stream into it, keystrokes go through the line
 * discipline to its stdin (interactive runs), Ctrl+C kills it, and the end is reported as code and reason.
 * One container at a time.
 */
import type { Terminal } from '@xterm/xterm';
import type { ContainerProcess, Engine, ExitStatus } from '../../runtime/platform/entry.browser.ts';
import { LineDiscipline } from './line-discipline.ts';
import { describeExit } from './exit-text.ts';

export interface RunRequest {
  image: string;
  args: string[];
  /** KEY=value lines from the form. */
  env: string[];
  /** stdin from the keyboard (and a tty for the program); otherwise stdin is closed. */
  interactive: boolean;
}

export interface RunOutcome {
  status: ExitStatus;
  /** The status in words, as printed in the terminal. */
  description: string;
}

/** What stopped a container on the user's request, for the exit line. */
export type StopSource = 'Ctrl+C' | 'the Stop button';

interface ActiveRun {
  proc: ContainerProcess;
  discipline: LineDiscipline;
  stdin: WritableStreamDefaultWriter<Uint8Array> | null;
  stoppedBy: StopSource | null;
}

const encoder = new TextEncoder();
const DIM = '\x1b[2m';
const BOLD = '\x1b[1m';
const RESET = '\x1b[0m';
/** How long to wait for the last output after the process ended before giving up on the streams. */
const DRAIN_MS = 2000;

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
   * Starts `request`; resolves when it has ended. Rejects if it cannot start. `onStart` is called once the process
   * exists, i.e. from then on keystrokes reach it.
   */
  async run(request: RunRequest, onStart?: () => void): Promise<RunOutcome> {
    if (this.running) throw new Error('a container is already running: stop it first (Ctrl+C)');
    this.newLine();
    this.term.write(`${BOLD}$ wasmbox run ${[request.image, ...request.args].map(quote).join(' ')}${RESET}\r\n`);
    this.starting = true;
    this.pendingStop = null;
    let proc: ContainerProcess;
    try {
      proc = await this.engine.run({
        image: request.image,
        args: request.args,
        env: withTerminalSize(request.env, this.term),
        stdin: request.interactive ? 'pipe' : 'closed',
        tty: request.interactive,
      });
    } finally {
      this.starting = false;
    }
    const run: ActiveRun = { proc, discipline: new LineDiscipline(), stdin: proc.stdin?.getWriter() ?? null, stoppedBy: null };
    this.active = run;
    onStart?.();
    if (this.pendingStop) this.stop(this.pendingStop);
    const drained = Promise.all([this.pump(proc.stdout), this.pump(proc.stderr)]);
    let status: ExitStatus;
    try {
      status = await proc.exited;
      // Output written just before the end is still in the channels: show it before the exit line.
      await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, DRAIN_MS))]);
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

  /** Kills the running container (or the one starting, as soon as it exists). */
  stop(source: StopSource): void {
    const run = this.active;
    if (!run) {
      if (this.starting) this.pendingStop = source;
      return;
    }
    run.stoppedBy ??= source;
    run.proc.kill();
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

  private async pump(stream: ReadableStream<Uint8Array>): Promise<void> {
    const reader = stream.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        // Copy: the chunk may be a view on a buffer the channel reuses. Waiting for xterm to parse it is the
        // back-pressure that keeps a chatty program from queueing unbounded output in the page.
        await new Promise<void>((resolve) => this.term.write(value.slice(), resolve));
      }
    } catch {
      // The stream errors only when the process is torn down; the exit status reports why.
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

function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
