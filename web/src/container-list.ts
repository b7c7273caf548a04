/** The Containers table: one row per container of this page (as `docker ps -a`), with its actions. */
import type { ContainerSummary } from '../../runtime/platform/entry.browser.ts';
import { button, cell, emptyRow } from './dom.ts';
import { exitSummary } from './exit-text.ts';
import { shellWords } from './argv.ts';

export interface ContainerListActions {
  logs(container: ContainerSummary): void;
  kill(container: ContainerSummary): void;
  remove(container: ContainerSummary): void;
  files(container: ContainerSummary): void;
}

/** The time of day a container was created: the page forgets containers on reload, so the date adds nothing. */
export function formatTime(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
}

export function renderContainerList(body: HTMLTableSectionElement, containers: ContainerSummary[], actions: ContainerListActions): void {
  const rows = containers.map((c) => {
    const row = document.createElement('tr');
    row.dataset.container = c.name;
    row.dataset.state = c.state;
    cell(row, c.name, c.id);
    cell(row, c.image);
    cell(row, shellWords(c.command)).className = 'command';
    cell(row, c.state);
    const exit = cell(row, c.exit ? exitSummary(c.exit) : '', c.exit?.message || undefined);
    exit.className = 'exit';
    if (c.exit) exit.dataset.code = String(c.exit.code);
    cell(row, formatTime(c.created), new Date(c.created).toISOString());
    const buttons = document.createElement('td');
    buttons.className = 'actions';
    const running = c.state === 'running';
    buttons.append(
      button('Logs', `Logs of ${c.name}`, () => actions.logs(c)),
      running ? button('Kill', `Kill ${c.name}`, () => actions.kill(c)) : button('Files', `Files of ${c.name}`, () => actions.files(c)),
      button('Remove', `Remove ${c.name}`, () => actions.remove(c)),
    );
    row.append(buttons);
    return row;
  });
  body.replaceChildren(...(rows.length > 0 ? rows : [emptyRow(7, 'No containers yet: run one above.')]));
}
