// Builds what tests execute for real: the dist/ bundles (the CLI and the container worker) and the guest programs.
import { buildAll } from '../scripts/build.mjs';
import { buildFixtures } from '../scripts/build-fixtures.mjs';

export default async function setup(): Promise<void> {
  await buildAll({ quiet: true });
  await buildFixtures({ quiet: true });
}
