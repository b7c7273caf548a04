/**
 * The C compiler tab: C source typed into the page, compiled by the wasmbox/clang image and run, all in the
 * browser. Three containers in the terminal, one after the other: `clang -c` and `wasm-ld` share a volume mounted at
 * /src (the source goes in, the object and the program come out; WASI cannot spawn processes, so the clang driver
 * cannot run the linker itself: see images/examples/README.md), then the program read back from the volume runs as
 * a bare module. The clang image (~105 MB) is loaded only when asked for (`loadClang`).
 */
import type { Engine } from '../../runtime/platform/entry.browser.ts';
import type { RunOutcome, RunRequest } from './container-session.ts';
import { splitArgs } from './argv.ts';
import { readWholeFile, writeWholeFile, fsErrorText } from './fs-view.ts';
import { formatBytes } from './format.ts';
import { errorMessage, showStatus } from './status.ts';

export const CLANG_IMAGE = 'wasmbox/clang:latest';
/** The volume the compile and link containers share; the page's own, rewritten by each build. */
export const C_VOLUME = 'c-playground';

export const EXAMPLE_C = `#include <stdio.h>

/* Compiled to WebAssembly by clang running in your browser. */
int main(int argc, char **argv) {
  const char *who = argc > 1 ? argv[1] : "world";
  printf("Hello, %s! I was compiled in a browser tab.\\n", who);
  int found = 0;
  printf("The first ten primes:");
  for (int n = 2; found < 10; n++) {
    int prime = 1;
    for (int d = 2; d * d <= n; d++)
      if (n % d == 0) { prime = 0; break; }
    if (prime) { printf(" %d", n); found++; }
  }
  printf("\\n");
  return 0;
}
`;

export interface CDemoElements {
  form: HTMLFormElement;
  source: HTMLTextAreaElement;
  args: HTMLInputElement;
  compileButton: HTMLButtonElement;
  loadButton: HTMLButtonElement;
  status: HTMLElement;
  download: HTMLAnchorElement;
}

export interface CDemoHooks {
  /** Runs one container in the terminal (as the Run form does); rejects if it cannot start. */
  run(request: RunRequest): Promise<RunOutcome>;
  /** How the compiled program gets its input (keyboard when the page is isolated). */
  stdin(): RunRequest['stdin'];
  /** Loads the clang example from the server; rejects with a message when the server has none. */
  loadClang(): Promise<void>;
  /** Where the clang image is: in the store, offered by the server (loadClang works), or neither. */
  clangState(): Promise<'stored' | 'offered' | 'missing'>;
}

export class CDemo {
  private wasmUrl: string | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly el: CDemoElements,
    private readonly hooks: CDemoHooks,
  ) {
    if (!el.source.value) el.source.value = EXAMPLE_C;
    el.download.hidden = true;
    el.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.compileAndRun();
    });
    el.loadButton.addEventListener('click', () => void this.load());
  }

  /** Shows the Load button only while the compiler is missing and the server has it; says what to do otherwise. */
  async update(): Promise<void> {
    const state = await this.hooks.clangState();
    this.el.loadButton.hidden = state !== 'offered';
    this.el.compileButton.disabled = state !== 'stored';
    if (state === 'offered' && !this.el.status.textContent) {
      showStatus(this.el.status, `The C compiler (${CLANG_IMAGE}, about 105 MB) is not in this browser yet: load it first.`);
    }
    if (state === 'missing') {
      showStatus(
        this.el.status,
        `The C compiler (${CLANG_IMAGE}) is not in this browser and this server does not offer it: build it with ` +
          '`node scripts/build-images.mjs clang` and restart `node scripts/serve-web.mjs`, or import its archive above.',
        'error',
      );
    }
  }

  private async load(): Promise<void> {
    this.el.loadButton.disabled = true;
    showStatus(this.el.status, `Loading ${CLANG_IMAGE} (about 105 MB)\u2026`);
    try {
      await this.hooks.loadClang();
      await this.update();
      showStatus(this.el.status, `Loaded ${CLANG_IMAGE}: press "Compile and run".`, 'ok');
      this.el.compileButton.focus();
    } catch (error) {
      showStatus(this.el.status, `Could not load ${CLANG_IMAGE}: ${errorMessage(error)}`, 'error');
    } finally {
      this.el.loadButton.disabled = false;
    }
  }

  private async compileAndRun(): Promise<void> {
    const { el } = this;
    el.compileButton.disabled = true;
    document.body.dataset.cdemo = 'running';
    let ok = false;
    try {
      const args = splitArgs(el.args.value);
      await this.writeSource(el.source.value);
      const mounts = [{ target: '/src', source: { kind: 'volume' as const, name: C_VOLUME } }];
      showStatus(el.status, 'Compiling main.c with clang\u2026 (the first run reads the 75 MB compiler)');
      await this.step('clang', { image: CLANG_IMAGE, args: ['clang', '-O2', '-c', '/src/main.c', '-o', '/src/main.o'], env: [], stdin: 'closed', mounts });
      showStatus(el.status, 'Linking main.o with wasm-ld\u2026');
      await this.step('wasm-ld', {
        image: CLANG_IMAGE,
        args: ['wasm-ld', '@/usr/lib/wasm32-wasip1/command.rsp', '/src/main.o', '-o', '/src/main.wasm'],
        env: [],
        stdin: 'closed',
        mounts,
      });
      const wasm = await this.readProgram();
      this.offerDownload(wasm);
      showStatus(el.status, `Built main.wasm (${formatBytes(wasm.length)}); running it\u2026`);
      const outcome = await this.hooks.run({ image: 'main.wasm', wasm, args, env: [], stdin: this.hooks.stdin() });
      showStatus(el.status, `Compiled and linked main.wasm (${formatBytes(wasm.length)}); it ${outcome.description}.`, outcome.status.code === 0 ? 'ok' : 'error');
      ok = true;
    } catch (error) {
      showStatus(el.status, errorMessage(error), 'error');
    } finally {
      el.compileButton.disabled = false;
      document.body.dataset.cdemo = ok ? 'done' : 'failed';
    }
  }

  /** Runs one tool container; a non-zero exit stops the build (its messages are in the terminal). */
  private async step(tool: string, request: RunRequest): Promise<void> {
    const outcome = await this.hooks.run(request);
    if (outcome.status.code !== 0) throw new Error(`${tool} ${outcome.description}: its messages are in the terminal.`);
  }

  private async writeSource(source: string): Promise<void> {
    await this.engine.volumes.create(C_VOLUME);
    const view = await this.engine.volumes.files(C_VOLUME, { write: true });
    try {
      writeWholeFile(view.fs, '/main.c', new TextEncoder().encode(source));
    } catch (error) {
      throw new Error(fsErrorText(error, `${C_VOLUME}:/main.c`));
    }
    await view.save();
  }

  private async readProgram(): Promise<Uint8Array<ArrayBuffer>> {
    const { fs } = await this.engine.volumes.files(C_VOLUME);
    try {
      return readWholeFile(fs, '/main.wasm');
    } catch (error) {
      throw new Error(`the linker left no program: ${fsErrorText(error, `${C_VOLUME}:/main.wasm`)}`);
    }
  }

  private offerDownload(wasm: Uint8Array<ArrayBuffer>): void {
    if (this.wasmUrl) URL.revokeObjectURL(this.wasmUrl);
    this.wasmUrl = URL.createObjectURL(new Blob([wasm], { type: 'application/wasm' }));
    this.el.download.href = this.wasmUrl;
    this.el.download.download = 'main.wasm';
    this.el.download.hidden = false;
  }
}
