/**
 * The line under the image table offering the big examples (the C compiler) that the first visit did not load:
 * one Load button per example the server has and this browser's store lacks; hidden when there is none.
 */
import { storeName, type ImageSummary } from '../../runtime/platform/entry.browser.ts';
import { button } from './dom.ts';
import { isOnDemand, type ExampleImage } from './examples.ts';
import { formatBytes } from './format.ts';

export function renderOnDemandImages(box: HTMLElement, examples: ExampleImage[], images: ImageSummary[], load: (example: ExampleImage) => void): void {
  const present = new Set(images.map((image) => image.name));
  const missing = examples.filter((e) => isOnDemand(e) && !present.has(storeName(e.name)));
  box.replaceChildren(
    ...(missing.length > 0 ? ['Big examples, loaded when you ask:'] : []),
    ...missing.map((e) => {
      const label = `Load ${e.name} (${formatBytes(e.bytes)})`;
      return button(label, label, () => load(e));
    }),
  );
  box.hidden = missing.length === 0;
}
