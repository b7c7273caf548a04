/**
 * A container's logs as text in a <pre>: what it wrote so far and, while it runs, what it writes next (stderr in
 * its own colour). Showing another container's logs stops following the previous one.
 */
import type { Container } from '../../runtime/platform/entry.browser.ts';
import { button } from './dom.ts';

export class LogView {
  private reader: ReadableStreamDefaultReader | null = null;

  /** `afterClose`: where focus goes when the Close button removes the view. */
  constructor(
    private readonly box: HTMLElement,
    private readonly afterClose: HTMLElement,
  ) {
    box.hidden = true;
  }

  async show(container: Container): Promise<void> {
    this.stop();
    const { name, state } = container.summary();
    const header = document.createElement('div');
    header.className = 'browser-header';
    const heading = document.createElement('h3');
    heading.textContent = `Logs of ${name}${state === 'running' ? ' (following)' : ''}`;
    heading.tabIndex = -1;
    header.append(
      heading,
      button('Close', `Close the logs of ${name}`, () => {
        this.close();
        this.afterClose.focus();
      }),
    );
    const pre = document.createElement('pre');
    pre.className = 'log-text';
    pre.tabIndex = 0; // scrollable by keyboard
    this.box.replaceChildren(header, pre);
    this.box.dataset.container = name;
    this.box.hidden = false;
    heading.focus();
    const reader = container.logs({ follow: true }).getReader();
    this.reader = reader;
    const decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || this.reader !== reader) break;
        const text = decoders[value.stream].decode(value.bytes.slice(), { stream: true });
        if (value.stream === 'stderr') {
          const span = document.createElement('span');
          span.className = 'stderr';
          span.textContent = text;
          pre.append(span);
        } else {
          pre.append(text);
        }
      }
      if (this.reader !== reader) return; // replaced by another container's logs meanwhile
      if (pre.textContent === '') pre.textContent = '(no output)';
      heading.textContent = `Logs of ${name}`;
      this.box.dataset.complete = 'true';
    } catch {
      // Cancelled: another container's logs were asked for, or the view was closed.
    }
  }

  close(): void {
    this.stop();
    this.box.hidden = true;
    this.box.replaceChildren();
  }

  private stop(): void {
    this.reader?.cancel().catch(() => undefined);
    this.reader = null;
    delete this.box.dataset.complete;
  }
}
