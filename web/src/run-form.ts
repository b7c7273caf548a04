/**
 * The Run tab's form and the one container the terminal shows: the form's fields into a RunRequest (arguments,
 * environment, volumes, and stdin as this page can give it: the keyboard when cross-origin isolated, the Input box
 * otherwise), and `runInTerminal`, which the C tab uses too: Run/Stop buttons, the status line, and telling the
 * Containers and Volumes panels what happened.
 */
import type { Terminal } from '@xterm/xterm';
import type { Engine } from '../../runtime/platform/entry.browser.ts';
import type { ContainerSession, RunOutcome, RunRequest } from './container-session.ts';
import { parseEnvLines, parseVolumeLines, splitArgs } from './argv.ts';
import { errorMessage, showStatus } from './status.ts';

export interface RunFormElements {
  form: HTMLFormElement;
  image: HTMLInputElement;
  args: HTMLInputElement;
  env: HTMLTextAreaElement;
  volumes: HTMLTextAreaElement;
  stdin: HTMLTextAreaElement;
  stdinField: HTMLElement;
  interactive: HTMLInputElement;
  interactiveField: HTMLElement;
  runButton: HTMLButtonElement;
  stopButton: HTMLButtonElement;
  status: HTMLElement;
  terminalBox: HTMLElement;
  terminalHelp: HTMLElement;
}

export interface RunFormHooks {
  /** A container started in the terminal (list it). */
  started(containerId: string): void;
  /** A container that mounted these volumes ended (their files changed). */
  volumesUsed(names: string[]): Promise<void>;
}

export class RunForm {
  constructor(
    private readonly engine: Engine,
    private readonly session: ContainerSession,
    private readonly term: Terminal,
    private readonly el: RunFormElements,
    private readonly hooks: RunFormHooks,
  ) {
    // Without cross-origin isolation programs still run, with their input given up front from a text box.
    if (!engine.interactiveStdin) {
      el.stdinField.hidden = false;
      el.interactiveField.hidden = true;
      el.terminalHelp.textContent =
        'Programs show their output in the terminal; their input comes from the Input box (this page cannot send your typing). ' +
        'Ctrl+C stops the container; Tab leaves the terminal.';
    }
    el.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.runFromForm();
    });
    el.stopButton.addEventListener('click', () => session.stop('the Stop button'));
  }

  /** Puts `image` (and, if given, `args`) into the form. */
  use(image: string, args?: string): void {
    this.el.image.value = image;
    if (args !== undefined) this.el.args.value = args;
  }

  get image(): string {
    return this.el.image.value;
  }

  focusArgs(): void {
    this.el.args.focus();
  }

  submit(): void {
    this.el.form.requestSubmit();
  }

  /** How a program started by the page gets input: the keyboard (isolated), or none. */
  keyboardOrClosed(): RunRequest['stdin'] {
    return this.engine.interactiveStdin ? 'keyboard' : 'closed';
  }

  /**
   * Runs one container in the terminal: Run and Stop buttons, status line, the Containers panel and, afterwards,
   * the volumes it mounted. Rejects when it could not start (after saying why in the status line and terminal).
   */
  async runInTerminal(request: RunRequest): Promise<RunOutcome> {
    const { el, session, term } = this;
    const { image } = request;
    if (session.running) throw new Error('a container is already running in the terminal: stop it first (Ctrl+C or Stop)');
    el.runButton.disabled = true;
    el.stopButton.disabled = false;
    showStatus(el.status, `Starting ${image}\u2026`);
    document.body.dataset.run = 'starting';
    term.focus();
    el.terminalBox.scrollIntoView({ block: 'nearest' });
    const onStart = (container: { id: string }): void => {
      showStatus(el.status, `${image} is running. Ctrl+C in the terminal or the Stop button stops it.`);
      document.body.dataset.run = 'running';
      this.hooks.started(container.id);
    };
    const volumeNames = (request.mounts ?? []).flatMap((m) => (m.source.kind === 'volume' ? [m.source.name] : []));
    try {
      const outcome = await session.run(request, onStart);
      showStatus(el.status, `${image} ${outcome.description}.`, outcome.status.code === 0 ? 'ok' : 'error');
      return outcome;
    } catch (error) {
      showStatus(el.status, `Could not run ${image}: ${errorMessage(error)}`, 'error');
      term.write(`\x1b[31m${errorMessage(error)}\x1b[0m\r\n`);
      throw new Error(`Could not run ${image}: ${errorMessage(error)}`);
    } finally {
      el.runButton.disabled = false;
      el.stopButton.disabled = true;
      document.body.dataset.run = 'done';
      // A run may have created volumes (NAME:/path of a missing one) and changed their files.
      if (volumeNames.length > 0) await this.hooks.volumesUsed(volumeNames).catch(() => undefined);
    }
  }

  private async runFromForm(): Promise<void> {
    const { el } = this;
    if (this.session.running) {
      showStatus(el.status, 'A container is running in the terminal: stop it first (Ctrl+C or Stop).', 'error');
      return;
    }
    let request: RunRequest;
    try {
      request = {
        image: el.image.value.trim(),
        args: splitArgs(el.args.value),
        env: parseEnvLines(el.env.value),
        stdin: this.stdinChoice(),
        mounts: parseVolumeLines(el.volumes.value).map((m) => ({ target: m.target, source: { kind: 'volume', name: m.name }, readonly: m.readonly })),
      };
    } catch (error) {
      showStatus(el.status, errorMessage(error), 'error');
      return;
    }
    await this.runInTerminal(request).catch(() => undefined); // already reported
  }

  /** What the form's stdin means in this page: the keyboard (isolated), the Input box (not), or nothing. */
  private stdinChoice(): RunRequest['stdin'] {
    if (!this.engine.interactiveStdin) return { text: this.el.stdin.value };
    return this.el.interactive.checked ? 'keyboard' : 'closed';
  }
}
