/**
 * The playground page: wires the engine, the image list, imports, the Run form and the terminal together.
 * Each part lives in its own module; this file only connects them to the page's elements.
 */
import type { ImageSummary } from '../../runtime/platform/entry.browser.ts';
import { createPlaygroundEngine } from './engine.ts';
import { isIsolated, showIsolationWarning } from './isolation.ts';
import { seedExampleImages } from './seed-images.ts';
import { renderImageList, runName } from './image-list.ts';
import { acceptDrops, importFiles, importUrl } from './image-import.ts';
import { createTerminal } from './terminal.ts';
import { ContainerSession } from './container-session.ts';
import { parseEnvLines, splitArgs } from './argv.ts';
import { errorMessage, showStatus } from './status.ts';
import { registerServiceWorker } from './offline.ts';

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found as T;
}

const imagesStatus = element<HTMLParagraphElement>('images-status');
const imageBody = element<HTMLTableElement>('image-table').tBodies[0];
const imageNames = element<HTMLDataListElement>('image-names');
const runForm = element<HTMLFormElement>('run-form');
const runImage = element<HTMLInputElement>('run-image');
const runArgs = element<HTMLInputElement>('run-args');
const runEnv = element<HTMLTextAreaElement>('run-env');
const runInteractive = element<HTMLInputElement>('run-interactive');
const runButton = element<HTMLButtonElement>('run-button');
const stopButton = element<HTMLButtonElement>('stop-button');
const runStatus = element<HTMLParagraphElement>('run-status');

const base = new URL('./', import.meta.url);
const engine = createPlaygroundEngine();
const isolated = isIsolated();
const term = createTerminal(element('terminal'));
const session = new ContainerSession(engine, term);
term.writeln('\x1b[2mChoose an image above and press Run; its output appears here.\x1b[0m');

if (!isolated) {
  showIsolationWarning(element('isolation-warning'));
  runButton.disabled = true;
  showStatus(runStatus, 'Running is disabled: the page is not cross-origin isolated (see the message at the top).', 'error');
}

async function refreshImages(): Promise<ImageSummary[]> {
  const images = await engine.images.list();
  renderImageList(imageBody, images, {
    run(image) {
      runImage.value = runName(image);
      runArgs.focus();
    },
    remove(image) {
      void removeImage(image);
    },
  });
  imageNames.replaceChildren(...images.filter((i) => !i.problem).map((i) => new Option('', runName(i))));
  return images;
}

async function removeImage(image: ImageSummary): Promise<void> {
  try {
    await engine.images.remove(image.name);
    await refreshImages();
    showStatus(imagesStatus, `Removed ${runName(image)}.`, 'ok');
    runImage.focus(); // the button that had focus is gone with its row
  } catch (error) {
    showStatus(imagesStatus, `Could not remove ${runName(image)}: ${errorMessage(error)}`, 'error');
  }
}

async function imported(what: string, load: () => Promise<string[]>): Promise<void> {
  showStatus(imagesStatus, `Importing ${what}\u2026`);
  try {
    const names = await load();
    await refreshImages();
    showStatus(imagesStatus, names.length > 0 ? `Imported ${names.join(', ')}.` : `${what} held no images.`, 'ok');
  } catch (error) {
    showStatus(imagesStatus, `Import failed: ${errorMessage(error)}`, 'error');
  }
}

acceptDrops(element('drop-zone'), (files) => void imported(files.map((f) => f.name).join(', '), () => importFiles(engine, files)));
element<HTMLInputElement>('import-file').addEventListener('change', (event) => {
  const input = event.currentTarget as HTMLInputElement;
  const files = [...(input.files ?? [])];
  input.value = '';
  if (files.length > 0) void imported(files.map((f) => f.name).join(', '), () => importFiles(engine, files));
});
element<HTMLFormElement>('import-url-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const url = element<HTMLInputElement>('import-url').value.trim();
  void imported(url, () => importUrl(engine, url));
});

runForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void runFromForm();
});
stopButton.addEventListener('click', () => session.stop('the Stop button'));

async function runFromForm(): Promise<void> {
  if (session.running) return;
  let args: string[];
  let env: string[];
  try {
    args = splitArgs(runArgs.value);
    env = parseEnvLines(runEnv.value);
  } catch (error) {
    showStatus(runStatus, errorMessage(error), 'error');
    return;
  }
  const image = runImage.value.trim();
  runButton.disabled = true;
  stopButton.disabled = false;
  showStatus(runStatus, `Starting ${image}\u2026`);
  document.body.dataset.run = 'starting';
  term.focus();
  element('terminal').scrollIntoView({ block: 'nearest' });
  const onStart = (): void => {
    showStatus(runStatus, `${image} is running. Ctrl+C in the terminal or the Stop button stops it.`);
    document.body.dataset.run = 'running';
  };
  try {
    const outcome = await session.run({ image, args, env, interactive: runInteractive.checked }, onStart);
    showStatus(runStatus, `${image} ${outcome.description}.`, outcome.status.code === 0 ? 'ok' : 'error');
  } catch (error) {
    showStatus(runStatus, `Could not run ${image}: ${errorMessage(error)}`, 'error');
    term.write(`\x1b[31m${errorMessage(error)}\x1b[0m\r\n`);
  } finally {
    runButton.disabled = false;
    stopButton.disabled = true;
    document.body.dataset.run = 'done';
  }
}

async function start(): Promise<void> {
  try {
    const loaded = await seedExampleImages(engine, base, (message) => showStatus(imagesStatus, message));
    const images = await refreshImages();
    if (!runImage.value && images.length > 0) runImage.value = runName(images.find((i) => !i.problem) ?? images[0]);
    const count = `${images.length} image${images.length === 1 ? '' : 's'} in this browser`;
    showStatus(imagesStatus, loaded.length > 0 ? `${count}; loaded the examples ${loaded.join(', ')}.` : `${count}.`, 'ok');
  } catch (error) {
    showStatus(imagesStatus, errorMessage(error), 'error');
    await refreshImages().catch(() => undefined);
  } finally {
    // Tests and scripts wait for this before using the page.
    document.body.dataset.ready = 'true';
  }
}

void start();
void registerServiceWorker(base);
