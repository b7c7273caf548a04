/** Test helper: the commands in `clang -###` output, one argv per line of double-quoted arguments. */

/** Parses clang's plan (it escapes `"`, `\` and `$` inside quotes); used to check what the driver would run. */
export function parseDriverCommands(output: string): string[][] {
  return output
    .split('\n')
    .filter((line) => line.startsWith(' "'))
    .map((line) =>
      Array.from(line.matchAll(/ (?:([^ "]+)|"((?:[^"\\$]|\\["\\$])*)")/g), (m) =>
        m[1] !== undefined ? m[1] : m[2].replaceAll(/\\(["\\$])/g, '$1'),
      ),
    )
    .map((command) => (command[0] === '' ? command.slice(1) : command));
}
