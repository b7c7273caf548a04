/**
 * The xterm.js terminal: fits its box (fit addon, refitted when the box changes size) and leaves Tab to the
 * browser, so keyboard users can move focus out of it (the line discipline has no use for Tab).
 */
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';

export function createTerminal(container: HTMLElement): Terminal {
  const term = new Terminal({
    // Programs write "\n"; a terminal needs "\r\n" to return to the first column. convertEol does that inside
    // xterm's parser, so it works across chunk boundaries and on raw UTF-8 bytes.
    convertEol: true,
    cursorBlink: true,
    scrollback: 5000,
    fontFamily: '"DejaVu Sans Mono", Menlo, Consolas, monospace',
    fontSize: 14,
    theme: { background: '#1e1e1e', foreground: '#e8e8e8' },
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(container);
  term.attachCustomKeyEventHandler((event) => event.key !== 'Tab');
  const refit = (): void => {
    // A hidden or zero-sized box has no cell size to fit to.
    if (container.clientWidth > 0 && container.clientHeight > 0) fit.fit();
  };
  new ResizeObserver(refit).observe(container);
  refit();
  return term;
}
