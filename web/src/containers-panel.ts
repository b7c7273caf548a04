/**
 * The Containers panel: the table of this page's containers (engine.containers), refreshed whenever one starts or
 * ends, and per container its logs (LogView), Kill, Remove and, once ended, a browser of its final filesystem.
 */
import type { ContainerSummary, Engine } from '../../runtime/platform/entry.browser.ts';
import { renderContainerList } from './container-list.ts';
import { FileBrowser } from './file-browser.ts';
import { LogView } from './log-view.ts';
import { errorMessage, showStatus } from './status.ts';

export interface ContainersPanelElements {
  body: HTMLTableSectionElement;
  status: HTMLElement;
  logs: HTMLElement;
  files: HTMLElement;
  /** Where focus goes when the focused row disappears (removed). */
  fallbackFocus: HTMLElement;
}

export interface ContainersPanelHooks {
  /** Kills `id` if it is the terminal's container, so the terminal says who stopped it; false otherwise. */
  stopInTerminal(id: string): boolean;
}

export class ContainersPanel {
  private readonly logView: LogView;
  private readonly browser: FileBrowser;

  constructor(
    private readonly engine: Engine,
    private readonly el: ContainersPanelElements,
    private readonly hooks: ContainersPanelHooks,
  ) {
    this.logView = new LogView(el.logs, el.fallbackFocus);
    this.browser = new FileBrowser(el.files, el.fallbackFocus);
    this.refresh();
  }

  /**
   * Re-renders the table; call when a container started (and it re-renders itself when that one ends). A keyboard
   * user's focus stays on the same button of the same row (Kill becomes Files when the container ends).
   */
  refresh(): void {
    const focused = this.el.body.contains(document.activeElement) ? document.activeElement?.getAttribute('aria-label') : null;
    renderContainerList(this.el.body, this.engine.containers.list({ all: true }), {
      logs: (c) => this.logs(c),
      kill: (c) => this.kill(c),
      remove: (c) => void this.remove(c),
      files: (c) => this.files(c),
    });
    if (!focused) return;
    const labels = [focused, focused.replace(/^Kill /, 'Files of ')];
    const again = labels.map((l) => this.el.body.querySelector<HTMLButtonElement>(`button[aria-label="${CSS.escape(l)}"]`)).find(Boolean);
    (again ?? this.el.fallbackFocus).focus();
  }

  /** Tracks a container started elsewhere (the Run form): listed now, updated when it ends. */
  track(id: string): void {
    this.refresh();
    const container = this.engine.containers.get(id);
    void container.done.catch(() => undefined).then(() => this.refresh());
  }

  private logs(summary: ContainerSummary): void {
    try {
      void this.logView.show(this.engine.containers.get(summary.id));
    } catch (error) {
      showStatus(this.el.status, errorMessage(error), 'error');
    }
  }

  private kill(summary: ContainerSummary): void {
    try {
      if (!this.hooks.stopInTerminal(summary.id)) this.engine.containers.get(summary.id).kill();
      showStatus(this.el.status, `Killed ${summary.name}.`, 'ok');
    } catch (error) {
      showStatus(this.el.status, `Could not kill ${summary.name}: ${errorMessage(error)}`, 'error');
    }
  }

  private async remove(summary: ContainerSummary): Promise<void> {
    try {
      await this.engine.containers.remove(summary.id);
      if (this.el.logs.dataset.container === summary.name) this.logView.close();
      if (this.el.files.dataset.container === summary.name) this.browser.close();
      this.refresh();
      showStatus(this.el.status, `Removed ${summary.name}.`, 'ok');
      this.el.fallbackFocus.focus();
    } catch (error) {
      showStatus(this.el.status, `Could not remove ${summary.name}: ${errorMessage(error)}`, 'error');
    }
  }

  private files(summary: ContainerSummary): void {
    let fs;
    try {
      fs = this.engine.containers.get(summary.id).files();
    } catch (error) {
      showStatus(this.el.status, errorMessage(error), 'error');
      return;
    }
    if (!fs) {
      // Killed, timed out or crashed: its changes went with its worker (see engine containers.files()).
      showStatus(this.el.status, `${summary.name} did not end by itself (${summary.exit?.reason ?? 'running'}), so its files are gone.`, 'error');
      return;
    }
    this.el.files.dataset.container = summary.name;
    this.browser.show(`Files of ${summary.name} (${summary.image})`, fs);
    showStatus(this.el.status, `Showing the files of ${summary.name}.`, 'ok');
  }
}
