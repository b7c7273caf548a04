/**
 * engine build-step-runner: the engine's `StepRunner` for `images/build`: a Dockerfile `RUN ["prog", ...]` runs the
 * program in a container over the image built so far (each layer's tar -> a lower tree, as `run({ image })` does)
 * and returns the container's upper-layer changes (`diffUpper()`, captured in the worker when the guest exits) as
 * layer entries: files, directories, symlinks, whiteouts for removed names, opaque markers for replaced directories.
 * Device nodes and the empty mount points the container setup made (`/dev`, `/tmp`) never reach a layer. Output goes to `options.output` (default: discarded, but always drained so the
 * guest never blocks on a full pipe).
 */
import type { BuildStep, StepResult, StepRunner } from '../../images/build/builder.ts';
import { readLayer } from '../../images/layer/read-layer.ts';
import type { LayerSourceEntry } from '../../images/layer/write-layer.ts';
import type { LowerEntry, WhiteoutEntry } from '../vfs/api.ts';
import type { Engine } from './engine.ts';
import { lowerTreeFromLayer } from './layer-cache.ts';
import { toShared } from './layer-snapshots.ts';
import type { RunLimits } from './run-options.ts';

export interface EngineStepRunnerOptions {
  /** Receives the program's stdout and stderr chunks. */
  output?: (chunk: Uint8Array, stream: 'stdout' | 'stderr') => void;
  limits?: RunLimits;
}

export class EngineStepRunner implements StepRunner {
  constructor(
    private readonly engine: Engine,
    private readonly options: EngineStepRunnerOptions = {},
  ) {}

  async run(step: BuildStep): Promise<StepResult> {
    const lowers = await Promise.all(
      step.layers.map(async (layer) => {
        const { entries, tar } = await readLayer(layer.tar);
        const shared = toShared(tar); // the layers of an image being built live in memory until it is stored
        return lowerTreeFromLayer(entries, (offset, size) => shared.subarray(offset, offset + size));
      }),
    );
    const proc = await this.engine.runBuildStep({
      lowers,
      argv: step.argv,
      env: step.env,
      workdir: step.workdir,
      label: `Dockerfile line ${step.line}`,
      ...(this.options.limits ? { limits: this.options.limits } : {}),
    });
    const output = this.options.output;
    const drain = async (stream: ReadableStream<Uint8Array>, name: 'stdout' | 'stderr'): Promise<void> => {
      const reader = stream.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        output?.(value, name);
      }
    };
    const [status, upper] = await Promise.all([proc.exited, proc.upper, drain(proc.stdout, 'stdout'), drain(proc.stderr, 'stderr')]);
    if (status.reason !== 'exit') return { exitCode: status.code, changes: [], message: `${status.reason}: ${status.message}` };
    return { exitCode: status.code, changes: upper ? layerEntriesOf(withoutMountStubs(upper, lowers)) : [] };
  }
}

/** Mount points every container gets (`/dev`, and `/tmp` when the image has none). */
const MOUNT_STUBS = ['dev', 'tmp'];

/**
 * The upper tree without the mount-point directories the container setup made (as BuildKit removes its mount
 * stubs): a root `dev` or `tmp` that no lower layer has and that is still empty.
 */
export function withoutMountStubs(upper: LowerEntry<Uint8Array>, lowers: readonly LowerEntry[]): LowerEntry<Uint8Array> {
  const children = { ...upper.children };
  for (const name of MOUNT_STUBS) {
    const child = Object.hasOwn(children, name) ? children[name] : undefined;
    if (child === undefined || child.type !== 'dir') continue;
    const dir = child as LowerEntry<Uint8Array>;
    const inLowers = lowers.some((l) => l.children !== undefined && Object.hasOwn(l.children, name));
    if (!inLowers && !dir.opaque && Object.keys(dir.children ?? {}).length === 0) delete children[name];
  }
  return { ...upper, children };
}

/** A layer tree (e.g. `diffUpper()`) as layer entries, paths relative to the root; device nodes left out. */
export function layerEntriesOf(root: LowerEntry<Uint8Array>): LayerSourceEntry[] {
  const out: LayerSourceEntry[] = [];
  if (root.opaque) out.push({ path: '', kind: 'opaque', mode: 0, mtimeSec: 0 });
  const walk = (children: Record<string, LowerEntry<Uint8Array> | WhiteoutEntry>, prefix: string): void => {
    for (const name of Object.keys(children)) {
      const child = children[name];
      const path = prefix === '' ? name : `${prefix}/${name}`;
      if (child.type === 'whiteout') {
        out.push({ path, kind: 'whiteout', mode: 0, mtimeSec: 0 });
        continue;
      }
      const entry = child as LowerEntry<Uint8Array>;
      const mode = (entry.mode ?? (entry.type === 'dir' ? 0o755 : 0o644)) & 0o7777;
      const mtimeSec = entry.mtimeNs === undefined ? 0 : Number(entry.mtimeNs / 1_000_000_000n);
      switch (entry.type) {
        case 'dir':
          out.push({ path, kind: 'dir', mode, mtimeSec });
          if (entry.opaque) out.push({ path, kind: 'opaque', mode: 0, mtimeSec: 0 });
          walk(entry.children ?? {}, path);
          break;
        case 'file':
          out.push({ path, kind: 'file', mode, mtimeSec, data: entry.data ?? new Uint8Array(0) });
          break;
        case 'symlink':
          out.push({ path, kind: 'symlink', mode, mtimeSec, linkTarget: entry.target ?? '' });
          break;
        default:
          break; // device nodes (chardev) are not image content
      }
    }
  };
  walk(root.children ?? {}, '');
  return out;
}
