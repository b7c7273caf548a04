/**
 * vfs overlay-flatten: a lower tree with an upper tree's changes applied, as one tree (what `docker export` does to
 * layers): whiteouts remove names, an opaque upper directory replaces the lower one, other upper entries replace
 * or join the lower ones, directories merge. Used to save a browser volume after a container changed it
 * (`diffMounts()` gives the changes relative to the tree it started from).
 * Must not: change either input (both may be shared); entries of the result may be the inputs' own objects.
 */
import type { LowerEntry, WhiteoutEntry } from './api.ts';

type Tree = LowerEntry<Uint8Array>;
type Children = Record<string, Tree | WhiteoutEntry>;

export function flattenLayers(lower: Tree, upper: Tree): Tree {
  const merged: Tree = { ...lower, ...pick(upper), type: 'dir', children: mergeChildren(upper.opaque ? {} : (lower.children ?? {}), upper.children ?? {}) };
  delete merged.opaque;
  return merged;
}

function mergeChildren(lower: Children, upper: Children): Children {
  const out: Children = {};
  for (const [name, entry] of Object.entries(lower)) if (entry.type !== 'whiteout') out[name] = entry;
  for (const [name, entry] of Object.entries(upper)) {
    if (entry.type === 'whiteout') {
      delete out[name];
      continue;
    }
    const below = Object.hasOwn(out, name) ? out[name] : undefined;
    const tree = entry as Tree;
    if (tree.type === 'dir' && below?.type === 'dir' && !tree.opaque) out[name] = flattenLayers(below as Tree, tree);
    else out[name] = tree.type === 'dir' ? flattenLayers({ type: 'dir', children: {} }, tree) : tree;
  }
  return out;
}

/** A directory's own attributes from the upper copy (those it states). */
function pick(upper: Tree): Partial<Tree> {
  const out: Partial<Tree> = {};
  if (upper.mode !== undefined) out.mode = upper.mode;
  if (upper.mtimeNs !== undefined) out.mtimeNs = upper.mtimeNs;
  return out;
}
