/**
 * The Dockerfile tab: a Dockerfile and one context file typed into the page, built by `engine.build` as the CLI does
 * (memory build context, RUN steps in containers of this engine) straight into the engine's IndexedDB store, with
 * the build log shown as it goes; the result can then be run from the Run form.
 */
import { memoryContext, type Engine } from '../../runtime/platform/entry.browser.ts';
import { errorMessage, showStatus } from './status.ts';

export interface BuildPanelElements {
  form: HTMLFormElement;
  dockerfile: HTMLTextAreaElement;
  fileName: HTMLInputElement;
  fileText: HTMLTextAreaElement;
  tag: HTMLInputElement;
  buildButton: HTMLButtonElement;
  runButton: HTMLButtonElement;
  status: HTMLElement;
  log: HTMLPreElement;
}

export interface BuildPanelHooks {
  /** The image `tag` is in the store now (refresh the image list). */
  built(tag: string): Promise<void>;
  /** The user wants to run `tag`. */
  run(tag: string): void;
}

export const EXAMPLE_FILE_NAME = 'greeting.txt';
export const EXAMPLE_FILE = 'Hello from a Dockerfile built in your browser!\nSecond line.\n';
export const EXAMPLE_DOCKERFILE = `# Built in this page: the coreutils image plus one file from the box below.
FROM wasmbox/coreutils
COPY ${EXAMPLE_FILE_NAME} /data/${EXAMPLE_FILE_NAME}
WORKDIR /data
# RUN runs a program of the image being built (exec form: there is no shell).
RUN ["wc", "-l", "/data/${EXAMPLE_FILE_NAME}"]
CMD ["cat", "/data/${EXAMPLE_FILE_NAME}"]
`;

export class BuildPanel {
  private built: string | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly el: BuildPanelElements,
    private readonly hooks: BuildPanelHooks,
  ) {
    if (!el.dockerfile.value) el.dockerfile.value = EXAMPLE_DOCKERFILE;
    if (!el.fileName.value) el.fileName.value = EXAMPLE_FILE_NAME;
    if (!el.fileText.value) el.fileText.value = EXAMPLE_FILE;
    el.runButton.hidden = true;
    el.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.build();
    });
    el.runButton.addEventListener('click', () => {
      if (this.built) hooks.run(this.built);
    });
  }

  private async build(): Promise<void> {
    const { el } = this;
    const tag = el.tag.value.trim();
    const fileName = el.fileName.value.trim();
    el.buildButton.disabled = true;
    el.runButton.hidden = true;
    el.log.textContent = '';
    document.body.dataset.build = 'running';
    const append = (text: string): void => {
      el.log.append(text);
      el.log.scrollTop = el.log.scrollHeight;
    };
    showStatus(el.status, `Building ${tag}\u2026`);
    try {
      // The context: the one typed file (a name with "/" puts it in a folder, as in a real context directory).
      const context = memoryContext(fileName ? { [fileName]: el.fileText.value } : {});
      const decoder = new TextDecoder();
      const result = await this.engine.build({
        context,
        dockerfile: el.dockerfile.value,
        tags: [tag],
        log: (line) => append(`${line}\n`),
        output: (chunk) => append(decoder.decode(chunk.slice(), { stream: true })),
      });
      this.built = tag;
      await this.hooks.built(tag);
      el.runButton.textContent = `Run ${tag}`;
      el.runButton.hidden = false;
      showStatus(el.status, `Built ${tag} (${result.id.slice(0, 19)}).`, 'ok');
      document.body.dataset.build = 'done';
    } catch (error) {
      append(`ERROR: ${errorMessage(error)}\n`);
      showStatus(el.status, `Build failed: ${errorMessage(error)}`, 'error');
      document.body.dataset.build = 'failed';
    } finally {
      el.buildButton.disabled = false;
    }
  }
}
