/**
 * cli output: where commands write, and docker's table layout.
 */

export interface Output {
  write(text: string): void;
}

/** Writes rows as docker's tabwriter does: columns padded to the widest cell plus 3 spaces, the last unpadded. */
export function writeTable(out: Output, table: string[][]): void {
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  for (const row of table) out.write(`${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] + 3))).join('')}\n`);
}
