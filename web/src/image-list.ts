/** The image table: one row per stored name, with Run (fills the Run form) and Remove buttons. */
import type { ImageSummary } from '../../runtime/platform/entry.browser.ts';
import { formatBytes, formatCreated } from './format.ts';
import { button } from './dom.ts';

export interface ImageListActions {
  run(image: ImageSummary): void;
  remove(image: ImageSummary): void;
}

/** What the Run form's image field should say for `image`: the familiar name (`wasmbox/hello:latest`). */
export function runName(image: ImageSummary): string {
  return image.tag === '<none>' ? image.id : `${image.repository}:${image.tag}`;
}

export function renderImageList(body: HTMLTableSectionElement, images: ImageSummary[], actions: ImageListActions): void {
  const rows = images.map((image) => {
    const row = document.createElement('tr');
    row.dataset.image = runName(image);
    const cell = (text: string, title?: string): HTMLTableCellElement => {
      const td = document.createElement('td');
      td.textContent = text;
      if (title) td.title = title;
      row.append(td);
      return td;
    };
    const name = cell(image.repository, image.name);
    if (image.problem) {
      const note = document.createElement('span');
      note.className = 'problem';
      note.textContent = ` (cannot run here: ${image.problem})`;
      name.append(note);
    }
    cell(image.tag);
    cell(formatBytes(image.size)).className = 'number';
    cell(formatCreated(image.created), image.created);
    const buttons = document.createElement('td');
    buttons.className = 'actions';
    buttons.append(
      button('Run\u2026', `Run ${runName(image)}`, () => actions.run(image), image.problem !== undefined),
      button('Remove', `Remove ${runName(image)}`, () => actions.remove(image)),
    );
    row.append(buttons);
    return row;
  });
  if (rows.length === 0) {
    const row = document.createElement('tr');
    const td = document.createElement('td');
    td.colSpan = 5;
    td.textContent = 'No images yet: drop an image archive (.tar) below, or import one from a URL.';
    row.append(td);
    rows.push(row);
  }
  body.replaceChildren(...rows);
}
