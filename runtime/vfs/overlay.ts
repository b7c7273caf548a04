/**
 * vfs overlay: how a stack of read-only lower layers merges, one directory at a time (OCI image layer rules).
 *
 * Rules, for one name inside a directory, looking from the topmost layer down:
 * - the first layer that mentions the name decides: a whiteout hides it, a non-directory wins outright;
 * - a directory merges with the directories of the same name below it, down to (excluding) a layer where the name
 *   is a whiteout or a non-directory, or down to (including) a copy marked `opaque`;
 * - a directory marked `opaque` in layer N hides all of that directory's contents from layers below N.
 * The upper layer is not here: `memory-dir.ts` turns the merged view into nodes the first time a directory is used,
 * and `overlay-diff.ts` compares the nodes with this view again to find what changed.
 * Must not: mutate a lower tree (they are shared by every container of the image), or allocate per lookup.
 */
import type { LowerEntry } from './api.ts';
import { fail } from './errors.ts';

/** What the lowers hold at one name: a non-directory entry, or the directory entries merged there (topmost first). */
export type LowerMerge = LowerEntry | LowerEntry[];

/**
 * The root directory stack of an image: `lowers` is bottom first (as `ContainerFsSpec` has it); the result is
 * topmost first and stops at the first opaque root.
 */
export function rootLowerStack(lowers: readonly LowerEntry[]): LowerEntry[] {
  const stack: LowerEntry[] = [];
  for (let i = lowers.length - 1; i >= 0; i--) {
    const layer = lowers[i];
    if (layer.type !== 'dir') fail('EINVAL');
    stack.push(layer);
    if (layer.opaque) break;
  }
  return stack;
}

/** The merged children of one directory whose lower copies are `dirs` (topmost first). Whiteouts are resolved away. */
export function mergeLowerChildren(dirs: readonly LowerEntry[]): Map<string, LowerMerge> {
  const seen = new Map<string, LowerMerge | null>();
  let closed: Set<string> | null = null;
  for (const layer of dirs) {
    const children = layer.children;
    if (children === undefined) continue;
    for (const name of Object.keys(children)) {
      const entry = children[name];
      const have = seen.get(name);
      if (have === undefined) {
        if (entry.type === 'whiteout') seen.set(name, null);
        else if (entry.type === 'dir') {
          seen.set(name, [entry]);
          if (entry.opaque) (closed ??= new Set()).add(name);
        } else seen.set(name, entry);
      } else if (Array.isArray(have) && !(closed !== null && closed.has(name))) {
        // Still collecting this directory's lower copies: a lower directory joins, anything else ends the stack.
        if (entry.type === 'dir') have.push(entry);
        if (entry.type !== 'dir' || entry.opaque) (closed ??= new Set()).add(name);
      }
    }
  }
  const merged = new Map<string, LowerMerge>();
  for (const [name, value] of seen) if (value !== null) merged.set(name, value);
  return merged;
}
