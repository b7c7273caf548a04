/**
 * The Volumes panel: named volumes (engine.volumes; kept in IndexedDB, so they survive reloads) listed, created and
 * removed, each browsable, with uploads into the directory shown (written through a writable view, then saved)
 * and downloads from the file browser. Containers mount them from the Run form's Volumes field.
 */
import type { Engine, VolumeSummary } from '../../runtime/platform/entry.browser.ts';
import { button, cell, emptyRow } from './dom.ts';
import { FileBrowser } from './file-browser.ts';
import { fsErrorText, joinPath, writeWholeFile } from './fs-view.ts';
import { formatCreated } from './format.ts';
import { errorMessage, showStatus } from './status.ts';

export interface VolumesPanelElements {
  form: HTMLFormElement;
  name: HTMLInputElement;
  status: HTMLElement;
  body: HTMLTableSectionElement;
  files: HTMLElement;
}

export class VolumesPanel {
  private readonly browser: FileBrowser;
  /** The volume the browser shows. */
  private browsing: string | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly el: VolumesPanelElements,
  ) {
    this.browser = new FileBrowser(el.files, el.name);
    el.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.create(el.name.value.trim());
    });
  }

  async refresh(): Promise<VolumeSummary[]> {
    const volumes = await this.engine.volumes.list();
    const rows = volumes.map((v) => {
      const row = document.createElement('tr');
      row.dataset.volume = v.name;
      cell(row, v.name);
      cell(row, formatCreated(new Date(v.created).toISOString()));
      const buttons = document.createElement('td');
      buttons.className = 'actions';
      buttons.append(
        button('Files', `Files of volume ${v.name}`, () => void this.browse(v.name)),
        button('Remove', `Remove volume ${v.name}`, () => void this.remove(v.name)),
      );
      row.append(buttons);
      return row;
    });
    this.el.body.replaceChildren(...(rows.length > 0 ? rows : [emptyRow(3, 'No volumes yet: create one, upload files, mount it with NAME:/path in the Run form.')]));
    return volumes;
  }

  /** After a container that mounted `names` ended: the browser shows their saved contents. */
  async changed(names: string[]): Promise<void> {
    await this.refresh();
    if (this.browsing && names.includes(this.browsing)) await this.browse(this.browsing, this.browser.path, false);
  }

  private async create(name: string): Promise<void> {
    try {
      await this.engine.volumes.create(name);
      await this.refresh();
      this.el.name.value = '';
      showStatus(this.el.status, `Created volume ${name}.`, 'ok');
    } catch (error) {
      showStatus(this.el.status, `Could not create volume ${name}: ${errorMessage(error)}`, 'error');
    }
  }

  private async remove(name: string): Promise<void> {
    try {
      await this.engine.volumes.remove(name);
      if (this.browsing === name) {
        this.browser.close();
        this.browsing = null;
      }
      await this.refresh();
      showStatus(this.el.status, `Removed volume ${name}.`, 'ok');
      this.el.name.focus(); // the focused button went with its row
    } catch (error) {
      showStatus(this.el.status, `Could not remove volume ${name}: ${errorMessage(error)}`, 'error');
    }
  }

  private async browse(name: string, path = '/', focus = true): Promise<void> {
    try {
      const { fs } = await this.engine.volumes.files(name);
      this.browsing = name;
      this.browser.show(`Files of volume ${name}`, fs, path, [this.uploadForm(name)], focus);
    } catch (error) {
      showStatus(this.el.status, `Could not open volume ${name}: ${errorMessage(error)}`, 'error');
    }
  }

  private uploadForm(name: string): HTMLElement {
    const box = document.createElement('div');
    box.className = 'upload';
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.id = 'volume-upload';
    const label = document.createElement('label');
    label.htmlFor = input.id;
    label.textContent = 'Upload files into the directory shown';
    input.addEventListener('change', () => {
      const files = [...(input.files ?? [])];
      input.value = '';
      if (files.length > 0) void this.upload(name, files);
    });
    box.append(label, ' ', input);
    return box;
  }

  private async upload(name: string, files: File[]): Promise<void> {
    const dir = this.browser.path;
    showStatus(this.el.status, `Uploading ${files.map((f) => f.name).join(', ')} into ${name}:${dir}\u2026`);
    try {
      const view = await this.engine.volumes.files(name, { write: true });
      for (const file of files) {
        const path = joinPath(dir, file.name);
        try {
          writeWholeFile(view.fs, path, new Uint8Array(await file.arrayBuffer()));
        } catch (error) {
          throw new Error(fsErrorText(error, path));
        }
      }
      await view.save();
      await this.browse(name, dir);
      showStatus(this.el.status, `Uploaded ${files.map((f) => joinPath(dir, f.name)).join(', ')} into volume ${name}.`, 'ok');
    } catch (error) {
      showStatus(this.el.status, `Could not upload into volume ${name}: ${errorMessage(error)}`, 'error');
    }
  }
}
