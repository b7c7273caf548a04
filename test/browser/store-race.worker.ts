/** Test worker: imports `count` images into IndexedDB database `db` (another agent than the page, as another tab is). */
import { openIdbStore } from '../../images/store/idb-store.browser.ts';
import { inTransaction } from '../../images/store/blob-store.ts';
import { putAll, testImage, text } from '../../images/store/test-kit.ts';

self.onmessage = async (event: MessageEvent<{ db: string; prefix: string; count: number }>) => {
  const { db, prefix, count } = event.data;
  try {
    const store = await openIdbStore(db);
    await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const image = await testImage([text('layer every image shares'), `${prefix}-${i}`], prefix);
        await inTransaction(store, async (tx) => {
          await putAll(tx, image.blobs);
          tx.setRef(`${prefix}:${i}`, image.manifest.descriptor);
        });
      }),
    );
    await store.close();
    postMessage({ ok: true });
  } catch (error) {
    postMessage({ ok: false, error: String(error) });
  }
};
