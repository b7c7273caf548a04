/**
 * cli history-command: `wasmbox history [--no-trunc] [-q] IMAGE`: the image's build steps from its config's
 * `history`, newest first, as docker prints them (IMAGE CREATED CREATED BY SIZE COMMENT). The newest row shows the
 * image ID (root digest); older rows show `<missing>`, because their intermediate images are not stored (docker with
 * the containerd store does the same for pulled or loaded images). SIZE is the stored size of the layer the step
 * made (0B for steps without a layer). CREATED BY is cut to 45 characters with `…` unless --no-trunc.
 */
import { digestHex, isDigest } from '../../images/oci/digest.ts';
import { withImages } from './image-commands.ts';
import { writeTable, type Output } from './output.ts';
import { ago, humanSize } from './units.ts';

export interface HistoryOptions {
  noTrunc?: boolean;
  quiet?: boolean;
}

const CREATED_BY_WIDTH = 45;

export async function historyCommand(input: string, options: HistoryOptions, out: Output, now = Date.now()): Promise<void> {
  const rows = await withImages((images) => images.history(input));
  const id = (value: string): string => (isDigest(value) && !options.noTrunc ? digestHex(value).slice(0, 12) : value);
  if (options.quiet) {
    for (const row of rows) out.write(`${id(row.Id)}\n`);
    return;
  }
  writeTable(out, [
    ['IMAGE', 'CREATED', 'CREATED BY', 'SIZE', 'COMMENT'],
    ...rows.map((row) => [
      id(row.Id),
      row.Created === 0 ? 'N/A' : ago(now - row.Created * 1000),
      createdBy(row.CreatedBy, options.noTrunc ?? false),
      humanSize(row.Size),
      row.Comment,
    ]),
  ]);
}

/** docker's `stringutils.Ellipsis` on the command, tabs and newlines made spaces. */
function createdBy(text: string, noTrunc: boolean): string {
  const flat = text.replace(/[\t\n]/g, ' ');
  const chars = [...flat];
  return noTrunc || chars.length <= CREATED_BY_WIDTH ? flat : `${chars.slice(0, CREATED_BY_WIDTH - 1).join('')}…`;
}
