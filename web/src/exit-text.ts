/** How a container ended, in words for the terminal and the status line. */
import type { ExitStatus } from '../../runtime/platform/entry.browser.ts';

/** `stoppedBy`: what the user stopped it with (Ctrl+C, the Stop button), null when they did not. */
export function describeExit(status: ExitStatus, stoppedBy: string | null): string {
  const detail = status.message ? `: ${status.message}` : '';
  switch (status.reason) {
    case 'exit':
      // A stop the guest obeyed is an exit with the code asked for (the engine's message says so).
      if (stoppedBy && status.message.startsWith('stopped')) return `stopped by ${stoppedBy} (exit code ${status.code})`;
      return `exited with code ${status.code}`;
    case 'killed':
      return stoppedBy ? `killed by ${stoppedBy} (exit code ${status.code})` : `killed (exit code ${status.code})${detail}`;
    case 'timeout':
      return `stopped: time limit reached (exit code ${status.code})${detail}`;
    case 'oom':
      return `stopped: out of memory (exit code ${status.code})${detail}`;
    case 'trap':
      return `crashed with a trap (exit code ${status.code})${detail}`;
  }
}

/** The short form for a table cell: how it ended and the code (`exited (code 0)`, `killed (code 137)`). */
export function exitSummary(status: ExitStatus): string {
  const how = status.reason === 'exit' && status.message.startsWith('stopped')
    ? 'stopped'
    : { exit: 'exited', killed: 'killed', timeout: 'timed out', oom: 'out of memory', trap: 'crashed (trap)' }[status.reason];
  return `${how} (code ${status.code})`;
}
