/**
 * A cooked-mode line discipline, as a terminal driver gives a program that reads a tty line by line: typed characters
 * are echoed locally and edited (Backspace, Ctrl+U) until Enter sends the whole line with "\n"; Ctrl+D sends a
 * partial line, or ends the input on an empty one; Ctrl+C interrupts. The container's stdin is a pipe, so without
 * this the program would see raw keystrokes and the user would see nothing of what they type.
 *
 * Pure: `input(data)` takes what the terminal reports (one key, an escape sequence, or pasted text) and returns
 * what to do, in order.
 */
export type LineAction =
  | { kind: 'echo'; text: string }
  | { kind: 'send'; text: string }
  | { kind: 'eof' }
  | { kind: 'interrupt' };

const CTRL_C = '\x03';
const CTRL_D = '\x04';
const CTRL_U = '\x15';
const BACKSPACE = ['\x7f', '\b'];
const ERASE = '\b \b';

export class LineDiscipline {
  private line: string[] = [];

  /** The characters typed since the last line was sent. */
  get pending(): string {
    return this.line.join('');
  }

  input(data: string): LineAction[] {
    // Arrow keys, Home, F-keys…: no line editing beyond Backspace, so the whole sequence is dropped rather than
    // echoed as garbage.
    if (data.startsWith('\x1b')) return [];
    const actions: LineAction[] = [];
    const echo = (text: string): void => {
      const last = actions[actions.length - 1];
      if (last?.kind === 'echo') last.text += text;
      else actions.push({ kind: 'echo', text });
    };
    for (const ch of data) {
      if (ch === '\r' || ch === '\n') {
        echo('\r\n');
        actions.push({ kind: 'send', text: `${this.pending}\n` });
        this.line = [];
      } else if (ch === CTRL_C) {
        echo('^C\r\n');
        this.line = [];
        actions.push({ kind: 'interrupt' });
        break; // the rest of a paste goes nowhere: the program is being stopped
      } else if (ch === CTRL_D) {
        if (this.line.length > 0) {
          actions.push({ kind: 'send', text: this.pending });
          this.line = [];
        } else {
          actions.push({ kind: 'eof' });
        }
      } else if (BACKSPACE.includes(ch)) {
        if (this.line.pop() !== undefined) echo(ERASE);
      } else if (ch === CTRL_U) {
        if (this.line.length > 0) echo(ERASE.repeat(this.line.length));
        this.line = [];
      } else if (ch === '\t' || ch >= ' ') {
        this.line.push(ch);
        echo(ch);
      }
      // Other control characters have no meaning here and are dropped.
    }
    return actions;
  }
}
