/** Small DOM helpers the panels share: find an element the page must have, make a labelled button or a cell. */

export function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found as T;
}

/** A button; `label` is its accessible name when the visible text alone is ambiguous (one per table row). */
export function button(text: string, label: string, onClick: () => void, disabled = false): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  if (label !== text) b.setAttribute('aria-label', label);
  b.disabled = disabled;
  b.addEventListener('click', onClick);
  return b;
}

/** Appends a text cell to `row`. */
export function cell(row: HTMLTableRowElement, text: string, title?: string): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  if (title) td.title = title;
  row.append(td);
  return td;
}

/** A one-cell row spanning the table, for "nothing here yet" lines. */
export function emptyRow(columns: number, text: string): HTMLTableRowElement {
  const row = document.createElement('tr');
  const td = document.createElement('td');
  td.colSpan = columns;
  td.className = 'empty';
  td.textContent = text;
  row.append(td);
  return row;
}
