/**
 * store oci-layout-store.child: store operations run in a separate process by oci-layout-store.node.test.ts
 * (`node --import tsx oci-layout-store.child.node.ts MODE DIR ...`), so locking and crash recovery are tested
 * across real processes. Modes:
 *   race DIR PREFIX COUNT BARRIER   write BARRIER/PREFIX.ready, wait for BARRIER/go, then import COUNT images
 *                                   tagged PREFIX:i (all sharing one layer)
 *   crash-in-commit DIR     import one image and SIGKILL itself after publishing blobs, before index.json
 *   crash-staged DIR        stage one image in a transaction and SIGKILL itself
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inTransaction } from './blob-store.ts';
import { openOciLayoutStore } from './oci-layout-store.node.ts';
import { putAll, testImage } from './test-kit.ts';

const [mode, dir, ...args] = process.argv.slice(2);
const die = () => void process.kill(process.pid, 'SIGKILL');

if (mode === 'race') {
  const [prefix, count, barrier] = args;
  const store = await openOciLayoutStore(dir);
  writeFileSync(join(barrier, `${prefix}.ready`), '');
  while (!existsSync(join(barrier, 'go'))) await new Promise((r) => setTimeout(r, 2));
  for (let i = 0; i < Number(count); i++) {
    const image = await testImage(['layer every image shares', `${prefix}-${i}`], prefix);
    await inTransaction(store, async (tx) => {
      await putAll(tx, image.blobs);
      tx.setRef(`${prefix}:${i}`, image.manifest.descriptor);
    });
  }
  await store.close();
} else if (mode === 'crash-in-commit') {
  const store = await openOciLayoutStore(dir, { beforeIndexWrite: die });
  const image = await testImage(['crash layer'], 'crash');
  const tx = store.begin();
  await putAll(tx, image.blobs);
  tx.setRef('crash:1', image.manifest.descriptor);
  await store.commit(tx);
} else if (mode === 'crash-staged') {
  const store = await openOciLayoutStore(dir);
  const image = await testImage(['staged then killed'], 'staged');
  const tx = store.begin();
  await putAll(tx, image.blobs);
  die();
} else {
  throw new Error(`unknown mode ${mode}`);
}
process.stdout.write('done\n');
