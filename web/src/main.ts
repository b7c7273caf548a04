/**
 * The playground page: wires the engine, the image list, imports, the Run form, the terminal and the Dockerfile,
 * Containers and Volumes panels together. Each part lives in its own module; this file only connects them to the
 * page's elements.
 */
import { storeName, type ImageSummary } from '../../runtime/platform/entry.browser.ts';
import { createPlaygroundEngine } from './engine.ts';
import { showIsolationWarning } from './isolation.ts';
import { fetchExampleIndex, loadExample, seedExampleImages } from './seed-images.ts';
import type { ExampleImage } from './examples.ts';
import { renderOnDemandImages } from './on-demand-images.ts';
import { renderImageList, runName } from './image-list.ts';
import { acceptDrops, importFiles, importUrl } from './image-import.ts';
import { createTerminal } from './terminal.ts';
import { ContainerSession } from './container-session.ts';
import { RunForm } from './run-form.ts';
import { errorMessage, showStatus } from './status.ts';
import { registerServiceWorker } from './offline.ts';
import { element } from './dom.ts';
import { setUpTabs } from './tabs.ts';
import { ContainersPanel } from './containers-panel.ts';
import { VolumesPanel } from './volumes-panel.ts';
import { BuildPanel } from './build-panel.ts';
import { CDemo, CLANG_IMAGE } from './c-demo.ts';

const imagesStatus = element<HTMLParagraphElement>('images-status');
const imageBody = element<HTMLTableElement>('image-table').tBodies[0];
const imageNames = element<HTMLDataListElement>('image-names');
const onDemandImages = element<HTMLParagraphElement>('on-demand-images');

const base = new URL('./', import.meta.url);
const engine = createPlaygroundEngine();
const term = createTerminal(element('terminal'));
const session = new ContainerSession(engine, term);
const tabs = setUpTabs(element('workbench-tabs'));
/** The server's examples (images/index.json); empty until read, and on a server without examples. */
let examples: ExampleImage[] = [];
const containers = new ContainersPanel(
  engine,
  {
    body: element<HTMLTableElement>('container-table').tBodies[0],
    status: element('containers-status'),
    logs: element('container-logs'),
    files: element('container-files'),
    fallbackFocus: element('containers-heading'),
  },
  {
    // The terminal's own container is stopped through the session, so its exit line says who stopped it.
    stopInTerminal(id) {
      if (session.containerId !== id) return false;
      session.stop('the Containers panel');
      return true;
    },
  },
);
const runForm = new RunForm(
  engine,
  session,
  term,
  {
    form: element('run-form'),
    image: element('run-image'),
    args: element('run-args'),
    env: element('run-env'),
    volumes: element('run-volumes'),
    stdin: element('run-stdin'),
    stdinField: element('run-stdin-field'),
    interactive: element('run-interactive'),
    interactiveField: element('run-interactive-field'),
    runButton: element('run-button'),
    stopButton: element('stop-button'),
    status: element('run-status'),
    terminalBox: element('terminal'),
    terminalHelp: element('terminal-help'),
  },
  {
    started: (id) => containers.track(id),
    volumesUsed: (names) => volumes.changed(names),
  },
);
const volumes = new VolumesPanel(engine, {
  form: element('volume-form'),
  name: element('volume-name'),
  status: element('volumes-status'),
  body: element<HTMLTableElement>('volume-table').tBodies[0],
  files: element('volume-files'),
});
new BuildPanel(
  engine,
  {
    form: element('build-form'),
    dockerfile: element('build-dockerfile'),
    fileName: element('build-file-name'),
    fileText: element('build-file-text'),
    tag: element('build-tag'),
    buildButton: element('build-button'),
    runButton: element('build-run-button'),
    status: element('build-status'),
    log: element('build-log'),
  },
  {
    built: async () => void (await refreshImages()),
    run(tag) {
      runForm.use(tag, '');
      tabs.select('tab-run');
      runForm.submit();
    },
  },
);
const cDemo = new CDemo(
  engine,
  {
    form: element('c-form'),
    source: element('c-source'),
    args: element('c-args'),
    compileButton: element('c-compile'),
    loadButton: element('c-load'),
    status: element('c-status'),
    download: element('c-download'),
  },
  {
    run: (request) => runForm.runInTerminal(request),
    stdin: () => runForm.keyboardOrClosed(),
    async loadClang() {
      const example = examples.find((e) => storeName(e.name) === storeName(CLANG_IMAGE));
      if (!example) throw new Error('this server offers no wasmbox/clang image');
      await loadOnDemand(example);
    },
    async clangState() {
      if ((await engine.images.list()).some((image) => image.name === storeName(CLANG_IMAGE))) return 'stored';
      return examples.some((e) => storeName(e.name) === storeName(CLANG_IMAGE)) ? 'offered' : 'missing';
    },
  },
);
// The skip link's target is in the Run tab: show that tab first.
element('skip-to-run').addEventListener('click', () => tabs.select('tab-run'));
term.writeln('\x1b[2mChoose an image above and press Run; its output appears here.\x1b[0m');

// Not cross-origin isolated: the Run form asks for input up front (run-form.ts); the banner says why.
if (!engine.interactiveStdin) showIsolationWarning(element('isolation-warning'));

async function refreshImages(): Promise<ImageSummary[]> {
  const images = await engine.images.list();
  renderImageList(imageBody, images, {
    run(image) {
      runForm.use(runName(image));
      tabs.select('tab-run');
      runForm.focusArgs();
    },
    remove(image) {
      void removeImage(image);
    },
  });
  imageNames.replaceChildren(...images.filter((i) => !i.problem).map((i) => new Option('', runName(i))));
  renderOnDemandImages(onDemandImages, examples, images, (example) => void loadOnDemand(example).catch(() => undefined));
  void cDemo.update().catch(() => undefined);
  return images;
}

async function loadOnDemand(example: ExampleImage): Promise<void> {
  try {
    await loadExample(engine, base, example, (message) => showStatus(imagesStatus, message));
    await refreshImages();
    showStatus(imagesStatus, `Loaded ${example.name}.`, 'ok');
  } catch (error) {
    showStatus(imagesStatus, `Could not load ${example.name}: ${errorMessage(error)}`, 'error');
    throw error;
  }
}

async function removeImage(image: ImageSummary): Promise<void> {
  try {
    await engine.images.remove(image.name);
    await refreshImages();
    showStatus(imagesStatus, `Removed ${runName(image)}.`, 'ok');
    element('run-image').focus(); // the button that had focus is gone with its row
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

async function start(): Promise<void> {
  try {
    examples = await fetchExampleIndex(base).catch(() => []);
    const loaded = await seedExampleImages(engine, base, (message) => showStatus(imagesStatus, message));
    const images = await refreshImages();
    if (!runForm.image && images.length > 0) runForm.use(runName(images.find((i) => !i.problem) ?? images[0]));
    const count = `${images.length} image${images.length === 1 ? '' : 's'} in this browser`;
    showStatus(imagesStatus, loaded.length > 0 ? `${count}; loaded the examples ${loaded.join(', ')}.` : `${count}.`, 'ok');
  } catch (error) {
    showStatus(imagesStatus, errorMessage(error), 'error');
    await refreshImages().catch(() => undefined);
  }
  try {
    await volumes.refresh();
  } catch (error) {
    showStatus(element('volumes-status'), `Volumes are unavailable: ${errorMessage(error)}`, 'error');
  } finally {
    // Tests and scripts wait for this before using the page.
    document.body.dataset.ready = 'true';
  }
}

void start();
void registerServiceWorker(base);
