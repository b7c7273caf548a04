/**
 * A file browser over a ContainerFs (an ended container's filesystem, a volume): directories are navigable, a file
 * is shown as text when it is small and looks like text, and every file can be downloaded (a Blob URL). One
 * browser per panel; `show` replaces what it shows. Everything is read synchronously from memory (the VFS).
 */
import type { ContainerFs } from '../../runtime/platform/entry.browser.ts';
import { button, cell, emptyRow } from './dom.ts';
import { formatBytes } from './format.ts';
import { fsErrorText, listDir, parentPath, readWholeFile, typeOf, type FsEntry } from './fs-view.ts';

/** Files up to this size are shown as text; bigger ones are offered as downloads only. */
const TEXT_LIMIT = 64 * 1024;

export class FileBrowser {
  private fs: ContainerFs | null = null;
  private current = '/';
  private downloadUrl: string | null = null;
  private readonly heading = document.createElement('h3');
  private readonly pathLine = document.createElement('p');
  private readonly table = document.createElement('table');
  private readonly viewer = document.createElement('div');

  /** `afterClose`: where focus goes when the Close button removes the browser (and the focused button with it). */
  constructor(
    private readonly box: HTMLElement,
    private readonly afterClose: HTMLElement,
  ) {
    this.heading.tabIndex = -1; // focused when the browser opens, so keyboard and screen reader users land here
    this.pathLine.className = 'path-line';
    this.table.className = 'file-table';
    this.table.createTHead().innerHTML = '<tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Size</th></tr>';
    this.table.createTBody();
    this.viewer.className = 'file-viewer';
    box.hidden = true;
  }

  /** The directory shown. */
  get path(): string {
    return this.current;
  }

  /**
   * Shows `fs` (titled `title`) at directory `path`; `extra` goes under the heading (e.g. an upload form). `focus`:
   * move focus to the heading (not when the view is merely refreshed while the user is elsewhere).
   */
  show(title: string, fs: ContainerFs, path = '/', extra: HTMLElement[] = [], focus = true): void {
    this.fs = fs;
    this.heading.textContent = title;
    const close = button('Close', `Close ${title}`, () => {
      this.close();
      this.afterClose.focus();
    });
    const header = document.createElement('div');
    header.className = 'browser-header';
    header.append(this.heading, close);
    this.box.replaceChildren(header, ...extra, this.pathLine, this.table, this.viewer);
    this.box.hidden = false;
    this.open(path);
    if (focus) this.heading.focus();
  }

  close(): void {
    this.box.hidden = true;
    this.box.replaceChildren();
    this.fs = null;
    this.releaseDownload();
  }

  /** Lists directory `path` (or shows the file, for a path that is one). */
  open(path: string): void {
    const fs = this.fs;
    if (!fs) return;
    this.clearViewer();
    let entries: FsEntry[];
    try {
      entries = listDir(fs, path);
    } catch (error) {
      this.message(fsErrorText(error, path), 'error');
      return;
    }
    this.current = path;
    this.box.dataset.path = path;
    this.pathLine.replaceChildren(`Directory ${path} `);
    if (path !== '/') this.pathLine.append(button('Up', `Up to ${parentPath(path)}`, () => this.open(parentPath(path))));
    const rows = entries.map((entry) => {
      const row = document.createElement('tr');
      row.dataset.name = entry.name;
      const name = document.createElement('td');
      const shown = entry.type === 'dir' ? `${entry.name}/` : entry.name;
      name.append(button(shown, `${entry.type === 'dir' ? 'Open directory' : 'Show'} ${entry.path}`, () => this.choose(entry)));
      row.append(name);
      cell(row, entry.type === 'symlink' ? `link to ${entry.target ?? '?'}` : entry.type);
      cell(row, entry.type === 'file' ? formatBytes(entry.size) : '').className = 'number';
      return row;
    });
    this.table.tBodies[0].replaceChildren(...(rows.length > 0 ? rows : [emptyRow(3, 'This directory is empty.')]));
  }

  private choose(entry: FsEntry): void {
    const fs = this.fs;
    if (!fs) return;
    let type = entry.type;
    try {
      if (type === 'symlink') type = typeOf(fs, entry.path);
    } catch (error) {
      this.message(fsErrorText(error, entry.path), 'error');
      return;
    }
    if (type === 'dir') {
      this.open(entry.path);
      this.table.querySelector<HTMLButtonElement>('tbody button')?.focus();
    } else {
      this.view(entry.path, entry.name);
    }
  }

  /** Shows file `path`: its text when small and textual, and a download link either way. */
  private view(path: string, name: string): void {
    const fs = this.fs;
    if (!fs) return;
    this.clearViewer();
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = readWholeFile(fs, path);
    } catch (error) {
      this.message(fsErrorText(error, path), 'error');
      return;
    }
    const title = document.createElement('h4');
    title.textContent = `${path} (${formatBytes(bytes.length)})`;
    this.downloadUrl = URL.createObjectURL(new Blob([bytes]));
    const link = document.createElement('a');
    link.href = this.downloadUrl;
    link.download = name;
    link.className = 'download';
    link.textContent = `Download ${name}`;
    this.viewer.append(title, link);
    const text = bytes.length <= TEXT_LIMIT ? asText(bytes) : null;
    if (text !== null) {
      const pre = document.createElement('pre');
      pre.className = 'file-text';
      pre.textContent = text;
      pre.tabIndex = 0; // scrollable by keyboard
      this.viewer.append(pre);
    } else {
      const note = document.createElement('p');
      note.textContent = bytes.length > TEXT_LIMIT ? 'Too big to show here: download it.' : 'A binary file: download it.';
      this.viewer.append(note);
    }
    this.viewer.dataset.file = path;
    link.focus();
  }

  private message(text: string, kind: 'error' | 'info'): void {
    this.clearViewer();
    const p = document.createElement('p');
    p.className = 'status';
    p.dataset.kind = kind;
    p.setAttribute('role', 'alert');
    p.textContent = text;
    this.viewer.append(p);
  }

  private clearViewer(): void {
    this.releaseDownload();
    this.viewer.replaceChildren();
    delete this.viewer.dataset.file;
  }

  private releaseDownload(): void {
    if (this.downloadUrl) URL.revokeObjectURL(this.downloadUrl);
    this.downloadUrl = null;
  }
}

/** UTF-8 text without NULs, or null for anything binary. */
function asText(bytes: Uint8Array): string | null {
  if (bytes.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
