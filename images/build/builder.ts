/**
 * build builder: a Dockerfile (the subset of `dockerfile.ts`) + a build context -> an OCI image of platform
 * wasi/wasm in an `ImageStore`, in ONE store transaction: a failed build leaves the store exactly as before.
 *
 * Each COPY, ADD and RUN adds one layer, written as a PLAIN tar (`application/vnd.oci.image.layer.v1.tar`): gzip
 * output differs between Node's and Chromium's zlib, a plain tar is byte-identical everywhere. Layers are
 * deterministic (sorted entries, uid/gid 0, every mtime clamped to SOURCE_DATE_EPOCH, default 0), and the config's
 * `created` and history times are that epoch too, so the same context builds the same manifest digest twice.
 * ENV, ARG, LABEL, WORKDIR, ENTRYPOINT and CMD change only the config (history entries with `empty_layer`).
 *
 * RUN (exec form) goes through a `StepRunner` (the engine implements it: `runtime/engine/build-step-runner.ts`):
 * the program runs in a container over the image built so far, and its filesystem changes become the layer. A
 * non-zero exit fails the build, naming the line and the code.
 *
 * Build cache (Docker's layer cache, persisted): every COPY/ADD/RUN step has a key, the sha256 of the chain of the
 * layers below it, its instruction and its inputs — for RUN the argv, env and workdir it runs with (so a cache hit
 * runs no container); for COPY/ADD the digest of the layer it writes (the sources' contents: reading them is the
 * only sound way to know they did not change, which is what Docker does too). The store keeps key -> layer records
 * (`BuildCacheRecord`, committed in the build's transaction). A step whose key has a record whose layer is still
 * stored reuses that layer and logs ` ---> Using cache`; a changed input changes the key of its step and, through
 * the chain, of every later step. `noCache` looks nothing up (and records the new results).
 *
 * Must not: import node:* or runtime/ (images/ never imports runtime/).
 */
import { WasmboxError, isWasmboxError } from '../../shared/errors.ts';
import type { ContainerConfig, HistoryEntry, ImageConfig } from '../oci/config.ts';
import type { Descriptor } from '../oci/descriptor.ts';
import { sha256Digest, type Digest } from '../oci/digest.ts';
import { MEDIA_TYPE } from '../oci/media-types.ts';
import { familiarString, parseReference, referenceString, withDefaultTag } from '../oci/reference.ts';
import { resolveImage } from '../oci/resolve-image.ts';
import { cleanPath } from '../oci/run-config.ts';
import { inTransaction, type ImageStore, type StoreTransaction } from '../store/blob-store.ts';
import { readLayer } from '../layer/read-layer.ts';
import { writeLayerTar, type LayerSourceEntry } from '../layer/write-layer.ts';
import type { BuildContext, ContextEntry } from './context.ts';
import { createIgnoreMatcher, globRegex, hasGlob } from './dockerignore.ts';
import { DockerfileError, expandWord, parseDockerfile, type CopyInstruction } from './dockerfile.ts';

/** One layer of the image being built, as a RUN step needs it: the uncompressed tar. */
export interface StepLayer {
  diffId: Digest;
  tar: Uint8Array;
}

export interface BuildStep {
  /** The image so far, bottom layer first. */
  layers: StepLayer[];
  argv: string[];
  /** `KEY=value` strings: the image's Env, then build args not overridden by it. */
  env: string[];
  /** Absolute working directory. */
  workdir: string;
  /** The Dockerfile line (for messages). */
  line: number;
}

export interface StepResult {
  exitCode: number;
  /** The container's filesystem changes (files, dirs, symlinks, whiteouts, opaque markers), paths relative to `/`. */
  changes: LayerSourceEntry[];
  /** Optional explanation when the program did not exit normally (trap, timeout…). */
  message?: string;
}

/** Runs one RUN step. Implemented by the engine; a fake in unit tests. */
export interface StepRunner {
  run(step: BuildStep): Promise<StepResult>;
}

export interface BuildOptions {
  context: BuildContext;
  /** The Dockerfile's text; default: `Dockerfile` read from the context. */
  dockerfile?: string;
  /** Image names (`hello`, `hello:1.0`, `ghcr.io/o/x:t`); stored under their full normalized names. */
  tags?: string[];
  buildArgs?: Record<string, string>;
  /** SOURCE_DATE_EPOCH in seconds (default 0): `created`, history times and the ceiling of every layer mtime. */
  sourceDateEpoch?: number;
  /** Progress lines (`Step 2/5 : COPY …`, `---> Using cache`). */
  log?: (line: string) => void;
  /** Do not reuse cached layers (docker build --no-cache); the steps' results are still recorded. */
  noCache?: boolean;
}

export interface BuildResult {
  /** The manifest's descriptor (its digest is the image's manifest digest). */
  manifest: Descriptor;
  /** The image ID: the root (manifest) digest, as `wasmbox images` and Docker's containerd image store show it. */
  id: Digest;
  /** The ref names written (full normalized names, or the manifest digest for an untagged build). */
  refs: string[];
}

export interface ImageBuilderOptions {
  store: ImageStore;
  /** Needed only by Dockerfiles with RUN. */
  stepRunner?: StepRunner;
}

interface BuiltLayer {
  descriptor: Descriptor;
  diffId: Digest;
  /** Uncompressed tar, loaded on demand for base-image layers. */
  tar?: Uint8Array;
}

const enc = new TextEncoder();

export class ImageBuilder {
  constructor(private readonly options: ImageBuilderOptions) {}

  async build(options: BuildOptions): Promise<BuildResult> {
    const text = options.dockerfile ?? (await readText(options.context, 'Dockerfile'));
    const dockerfile = parseDockerfile(text);
    const tags = (options.tags ?? []).map((tag) => {
      try {
        return referenceString(withDefaultTag(parseReference(tag)));
      } catch (error) {
        throw new WasmboxError('InvalidArgument', `invalid tag ${JSON.stringify(tag)}: ${(error as Error).message}`);
      }
    });
    const epoch = options.sourceDateEpoch ?? 0;
    if (!Number.isSafeInteger(epoch) || epoch < 0) throw new WasmboxError('InvalidArgument', `SOURCE_DATE_EPOCH must be a whole number of seconds ≥ 0, got ${epoch}`);
    const created = new Date(epoch * 1000).toISOString().replace('.000Z', 'Z');
    const log = options.log ?? (() => undefined);
    const buildArgs = options.buildArgs ?? {};
    const ignoreText = await options.context.readFile('.dockerignore');
    const ignored = createIgnoreMatcher(ignoreText ? new TextDecoder().decode(ignoreText) : '');
    let contextEntries: ContextEntry[] | undefined;
    const context = async () => (contextEntries ??= (await options.context.list()).filter((e) => !ignored(e.path)));

    return inTransaction(this.options.store, async (tx) => {
      const escape = dockerfile.escape;
      const total = dockerfile.steps.length + 1;
      // Global ARGs: usable in FROM only.
      const globalArgs = new Map<string, string | undefined>();
      for (const arg of dockerfile.globalArgs) {
        const def = arg.default === undefined ? undefined : expandWord(arg.default, (n) => globalArgs.get(n), { escape, line: arg.line });
        globalArgs.set(arg.name, buildArgs[arg.name] ?? def);
      }
      const from = dockerfile.from;
      log(`Step 1/${total} : ${from.text}`);
      const baseName = expandWord(from.image, (n) => globalArgs.get(n), { escape, line: from.line });
      const base = await this.baseImage(tx, baseName, from.line);
      const layers: BuiltLayer[] = base.layers;
      const config: ContainerConfig = base.config;
      const history: HistoryEntry[] = base.history;
      let chain = await chainOf(layers);

      const args = new Map<string, string | undefined>();
      const envOf = (): Map<string, string> => {
        const m = new Map<string, string>();
        for (const kv of config.Env ?? []) {
          const eq = kv.indexOf('=');
          m.set(eq < 0 ? kv : kv.slice(0, eq), eq < 0 ? '' : kv.slice(eq + 1));
        }
        return m;
      };
      // Docker: ENV wins over ARG of the same name.
      const lookup = (name: string): string | undefined => envOf().get(name) ?? args.get(name);
      const cache = new StepCache(this.options.store, tx, options.noCache ?? false);

      for (const [index, step] of dockerfile.steps.entries()) {
        log(`Step ${index + 2}/${total} : ${step.text}`);
        const expand = (word: string, quotes = true) => expandWord(word, lookup, { escape, quotes, line: step.line });
        const emptyLayer = (): void => {
          history.push({ created, created_by: step.text, empty_layer: true });
        };
        switch (step.kind) {
          case 'arg': {
            const def = step.default === undefined ? undefined : expand(step.default);
            args.set(step.name, Object.hasOwn(buildArgs, step.name) ? buildArgs[step.name] : def ?? globalArgs.get(step.name));
            emptyLayer();
            break;
          }
          case 'env': {
            const env = envOf();
            for (const [k, raw] of step.pairs) env.set(k, expand(raw));
            config.Env = [...env].map(([k, v]) => `${k}=${v}`);
            emptyLayer();
            break;
          }
          case 'label': {
            const labels = { ...config.Labels };
            for (const [k, raw] of step.pairs) labels[expand(k)] = expand(raw);
            config.Labels = labels;
            emptyLayer();
            break;
          }
          case 'workdir': {
            const path = expand(step.path);
            config.WorkingDir = cleanPath(path.startsWith('/') ? path : `${config.WorkingDir || '/'}/${path}`);
            emptyLayer();
            break;
          }
          case 'entrypoint':
            config.Entrypoint = step.argv;
            // Docker: setting ENTRYPOINT resets a CMD inherited from the base image.
            if (base.cmdInherited) delete config.Cmd;
            emptyLayer();
            break;
          case 'cmd':
            config.Cmd = step.argv;
            base.cmdInherited = false;
            emptyLayer();
            break;
          case 'copy':
          case 'add': {
            const entries = await this.copyEntries(step, expand, config.WorkingDir || '/', await context(), epoch);
            const layer = await putLayer(tx, writeLayerTar(entries));
            const key = await stepKey(['copy', chain, step.text, layer.diffId]);
            if (await cache.find(key)) log(' ---> Using cache');
            else cache.record(key, layer);
            layers.push(layer);
            history.push({ created, created_by: step.text });
            break;
          }
          case 'run': {
            const runner = this.options.stepRunner;
            if (!runner) throw new DockerfileError(step.line, 'RUN needs a step runner (build through the engine)');
            const env = envOf();
            for (const [k, v] of args) if (v !== undefined && !env.has(k)) env.set(k, v);
            const envList = [...env].map(([k, v]) => `${k}=${v}`);
            const workdir = config.WorkingDir || '/';
            const key = await stepKey(['run', chain, step.text, step.argv, envList, workdir]);
            let layer = await cache.find(key);
            if (layer) {
              log(' ---> Using cache');
            } else {
              const stepLayers = await Promise.all(layers.map((l) => loadTar(tx, l)));
              let result: StepResult;
              try {
                result = await runner.run({ layers: stepLayers, argv: [...step.argv], env: envList, workdir, line: step.line });
              } catch (error) {
                const message = error instanceof Error ? error.message : String(error);
                throw new WasmboxError(isWasmboxError(error) ? error.kind : 'Internal', `Dockerfile line ${step.line}: ${step.text} failed: ${message}`, {
                  cause: error,
                  data: { line: step.line },
                });
              }
              if (result.exitCode !== 0) {
                const why = result.message ? ` (${result.message})` : '';
                throw new WasmboxError('FailedPrecondition', `Dockerfile line ${step.line}: ${step.text} returned a non-zero code: ${result.exitCode}${why}`, {
                  data: { line: step.line, exitCode: result.exitCode },
                });
              }
              layer = await putLayer(tx, writeLayerTar(result.changes.map((e) => ({ ...e, mtimeSec: Math.min(e.mtimeSec, epoch) }))));
              cache.record(key, layer);
            }
            layers.push(layer);
            history.push({ created, created_by: step.text });
            break;
          }
          case 'from':
            throw new DockerfileError(step.line, 'multi-stage builds are not supported yet');
        }
        if (step.kind === 'copy' || step.kind === 'add' || step.kind === 'run') {
          chain = await sha256Digest(enc.encode(`${chain} ${layers[layers.length - 1].diffId}`));
        }
      }

      const imageConfig: ImageConfig = {
        created,
        architecture: 'wasm',
        os: 'wasi',
        config,
        rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
        history,
      };
      const configBytes = enc.encode(JSON.stringify(imageConfig));
      const configInfo = await tx.put(configBytes);
      const manifestBody = {
        schemaVersion: 2,
        mediaType: MEDIA_TYPE.ociManifest,
        config: { mediaType: MEDIA_TYPE.ociConfig, digest: configInfo.digest, size: configInfo.size },
        layers: layers.map((l) => l.descriptor),
      };
      const manifestBytes = enc.encode(JSON.stringify(manifestBody));
      const manifestInfo = await tx.put(manifestBytes);
      const manifest: Descriptor = { mediaType: MEDIA_TYPE.ociManifest, digest: manifestInfo.digest, size: manifestInfo.size };
      const refs = tags.length > 0 ? [...new Set(tags)] : [manifest.digest];
      for (const ref of refs) tx.setRef(ref, manifest);
      log(`Successfully built ${manifest.digest}`);
      for (const ref of tags) log(`Successfully tagged ${displayTag(ref)}`);
      return { manifest, id: manifest.digest, refs };
    });
  }

  private async baseImage(tx: StoreTransaction, name: string, line: number): Promise<{ layers: BuiltLayer[]; config: ContainerConfig; history: HistoryEntry[]; cmdInherited: boolean }> {
    if (name === 'scratch') return { layers: [], config: {}, history: [], cmdInherited: false };
    let root: Descriptor | undefined;
    const candidates: string[] = [];
    try {
      candidates.push(referenceString(withDefaultTag(parseReference(name))));
    } catch {
      // not a reference: try it as typed only
    }
    candidates.push(name);
    for (const candidate of candidates) {
      root = await this.options.store.refs.get(candidate).catch(() => undefined);
      if (root) break;
    }
    if (!root) throw new DockerfileError(line, `FROM ${name}: image not found in the local store (pulling is not supported yet; load or build it first)`);
    let image;
    try {
      image = await resolveImage(tx, root);
    } catch (error) {
      throw new DockerfileError(line, `FROM ${name}: ${(error as Error).message}`);
    }
    if (image.artifact) throw new DockerfileError(line, `FROM ${name}: a wasm artifact (not a layered image) cannot be a base image`);
    const layers = image.layers.map((descriptor, i) => ({ descriptor, diffId: image.config.rootfs.diff_ids[i] }));
    if (layers.some((l) => l.diffId === undefined)) throw new DockerfileError(line, `FROM ${name}: config has fewer diff_ids than the manifest has layers`);
    const config = structuredClone(image.config.config ?? {});
    return { layers, config, history: structuredClone(image.config.history ?? []), cmdInherited: config.Cmd !== undefined };
  }

  /** The layer entries of one COPY/ADD. */
  private async copyEntries(
    step: CopyInstruction,
    expand: (word: string, quotes?: boolean) => string,
    workdir: string,
    context: ContextEntry[],
    epoch: number,
  ): Promise<LayerSourceEntry[]> {
    const fail = (problem: string): never => {
      throw new DockerfileError(step.line, problem);
    };
    const keyword = step.kind.toUpperCase();
    const rawDest = expand(step.dest, !step.json);
    const destIsDir = rawDest.endsWith('/') || step.sources.length > 1;
    const dest = cleanPath(rawDest.startsWith('/') ? rawDest : `${workdir}/${rawDest}`).replace(/^\/+/, '');
    const byPath = new Map(context.map((e) => [e.path, e]));
    const out = new Map<string, LayerSourceEntry>();
    const add = (entry: LayerSourceEntry): void => {
      out.set(entry.path, entry);
    };
    const ensureParents = (path: string): void => {
      const parts = path.split('/');
      for (let n = 1; n < parts.length; n++) {
        const dir = parts.slice(0, n).join('/');
        if (!out.has(dir)) add({ path: dir, kind: 'dir', mode: 0o755, mtimeSec: epoch });
      }
    };
    const mode = (m: number) => step.chmod ?? m & 0o7777;
    const join = (a: string, b: string) => (a === '' ? b : b === '' ? a : `${a}/${b}`);

    const matched: ContextEntry[] = [];
    for (const rawSource of step.sources) {
      const source = expand(rawSource, !step.json);
      const clean = cleanPath(`/${source}`).replace(/^\/+/, '');
      if (clean === '') {
        matched.push({ path: '', kind: 'dir', mode: 0o755 });
        continue;
      }
      if (hasGlob(clean)) {
        const re = globRegex(clean);
        const hits = context.filter((e) => re.test(e.path));
        if (hits.length === 0) fail(`${keyword} ${source}: no source files were specified (nothing in the build context matches)`);
        matched.push(...hits);
        continue;
      }
      const entry = byPath.get(clean);
      if (!entry) fail(`${keyword} ${source}: not found in the build context (or excluded by .dockerignore)`);
      matched.push(entry!);
    }
    const multiple = matched.length > 1;

    for (const src of matched) {
      if (src.kind === 'dir') {
        // A directory's contents go into dest (dest itself created).
        if (dest !== '') {
          ensureParents(dest);
          add({ path: dest, kind: 'dir', mode: step.chmod ?? 0o755, mtimeSec: epoch });
        }
        const prefix = src.path === '' ? '' : `${src.path}/`;
        for (const e of context) {
          if (!e.path.startsWith(prefix) || e.path === src.path) continue;
          const target = join(dest, e.path.slice(prefix.length));
          ensureParents(target);
          add(await sourceEntry(e, target, mode, epoch));
        }
        continue;
      }
      const target = destIsDir || multiple ? join(dest, basenameOf(src.path)) : dest;
      if (target === '') fail(`${keyword}: cannot copy a file onto /`);
      if (step.kind === 'add' && src.kind === 'file') {
        const bytes = await src.read!();
        if (isTarArchive(bytes)) {
          // ADD extracts local tar archives (plain or gzip) into dest, as a directory.
          const dir = dest;
          if (dir !== '') {
            ensureParents(dir);
            add({ path: dir, kind: 'dir', mode: 0o755, mtimeSec: epoch });
          }
          let layer;
          try {
            layer = await readLayer(bytes);
          } catch (error) {
            fail(`ADD ${src.path}: ${(error as Error).message}`);
          }
          for (const e of layer!.entries) {
            if (e.kind === 'whiteout' || e.kind === 'opaque') fail(`ADD ${src.path}: the archive holds whiteout entries (${e.path || '/'}); extract it yourself`);
            const path = join(dir, e.path);
            ensureParents(path);
            const base = { path, mode: e.mode, mtimeSec: Math.min(e.mtimeSec, epoch) };
            if (e.kind === 'dir') add({ ...base, kind: 'dir' });
            else if (e.kind === 'symlink') add({ ...base, kind: 'symlink', linkTarget: e.linkTarget });
            else if (e.kind === 'hardlink') add({ ...base, kind: 'hardlink', linkTarget: join(dir, e.linkTarget!) });
            else add({ ...base, kind: 'file', data: layer!.tar.slice(e.dataOffset, e.dataOffset + e.size) });
          }
          continue;
        }
      }
      ensureParents(target);
      add(await sourceEntry(src, target, mode, epoch));
    }
    // A later, deeper entry may have replaced a directory with a file: let the tar writer report such conflicts.
    return [...out.values()];
  }
}

async function sourceEntry(e: ContextEntry, path: string, mode: (m: number) => number, epoch: number): Promise<LayerSourceEntry> {
  if (e.kind === 'dir') return { path, kind: 'dir', mode: mode(e.mode), mtimeSec: epoch };
  if (e.kind === 'symlink') return { path, kind: 'symlink', mode: 0o777, mtimeSec: epoch, linkTarget: e.linkTarget };
  return { path, kind: 'file', mode: mode(e.mode), mtimeSec: epoch, data: await e.read!() };
}

function basenameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** gzip magic, or a ustar/GNU magic at offset 257 of the first header. */
function isTarArchive(bytes: Uint8Array): boolean {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return true;
  if (bytes.length < 512) return false;
  const magic = new TextDecoder().decode(bytes.subarray(257, 262));
  return magic === 'ustar';
}

/** Stores a plain tar layer: its diff_id is its digest, so `put`'s hash is the only one. */
async function putLayer(tx: StoreTransaction, tar: Uint8Array): Promise<BuiltLayer> {
  const info = await tx.put(tar);
  return { descriptor: { mediaType: MEDIA_TYPE.ociLayer, digest: info.digest, size: info.size }, diffId: info.digest, tar };
}

function stepKey(inputs: unknown[]): Promise<Digest> {
  return sha256Digest(enc.encode(JSON.stringify(inputs)));
}

/** The build cache as one build uses it: lookups in the store, new records in the build's transaction. */
class StepCache {
  constructor(
    private readonly store: ImageStore,
    private readonly tx: StoreTransaction,
    private readonly disabled: boolean,
  ) {}

  /** The layer recorded for `key`, when there is a record and its layer is still stored. */
  async find(key: Digest): Promise<BuiltLayer | undefined> {
    if (this.disabled) return undefined;
    const record = await this.store.cache.get(key);
    if (!record) return undefined;
    // A record is committed with its layer and prune drops them together; the check keeps a hand-damaged store
    // from failing the build at commit instead of rebuilding the step.
    const size = (await this.tx.has(record.layer.digest)) ? await this.tx.size(record.layer.digest) : undefined;
    return size === record.layer.size ? { descriptor: record.layer, diffId: record.diffId } : undefined;
  }

  record(key: Digest, layer: BuiltLayer): void {
    this.tx.setCacheRecord({ key, layer: layer.descriptor, diffId: layer.diffId });
  }
}

async function loadTar(tx: StoreTransaction, layer: BuiltLayer): Promise<StepLayer> {
  if (!layer.tar) layer.tar = (await readLayer(await tx.get(layer.descriptor.digest))).tar;
  return { diffId: layer.diffId, tar: layer.tar };
}

async function chainOf(layers: BuiltLayer[]): Promise<string> {
  let chain = 'sha256:scratch';
  for (const l of layers) chain = await sha256Digest(enc.encode(`${chain} ${l.diffId}`));
  return chain;
}

async function readText(context: BuildContext, path: string): Promise<string> {
  const bytes = await context.readFile(path);
  if (!bytes) throw new WasmboxError('NotFound', `${path} not found in the build context`);
  return new TextDecoder().decode(bytes);
}

/** A stored full name as users typed it (`docker.io/library/demo:1` -> `demo:1`). */
function displayTag(refName: string): string {
  return familiarString(parseReference(refName));
}
