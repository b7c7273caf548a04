/**
 * vfs overlay-diff: the upper layer's changes as a new layer tree — what `docker commit` and `docker diff` need.
 *
 * For each directory the guest has touched (materialized), its children are compared with the merged lower view at
 * the same place (overlay.ts):
 * - a lower name no longer present -> whiteout;
 * - a node made from exactly the lower entry at that name and not changed since -> nothing;
 * - a directory made from the lower copies at that name -> recurse (and emit it if anything below changed);
 * - anything else (new, modified, moved in from elsewhere) -> emitted whole; a new directory replacing a lower
 *   directory is `opaque`, so nothing of the old one shows through.
 * Untouched (unmaterialized) directories are skipped without reading their lower trees.
 * Known simplification: hard links become independent copies (LowerEntry has no hard links).
 * Must not: change any node (a diff of a running container leaves it as it was) or copy lower data it can share.
 */
import type { LowerEntry, WhiteoutEntry } from './api.ts';
import { MemDir } from './memory-dir.ts';
import { MemFile } from './memory-file.ts';
import type { MemNode } from './memory-node.ts';
import { MemSymlink } from './memory-node.ts';
import { mergeLowerChildren, type LowerMerge } from './overlay.ts';

type Children = Record<string, LowerEntry<Uint8Array> | WhiteoutEntry>;

export function diffUpper(root: MemDir): LowerEntry<Uint8Array> {
  return dirEntry(root, changedChildren(root) ?? {}, false);
}

function changedChildren(dir: MemDir): Children | null {
  if (!dir.isMaterialized()) return null;
  const lower = mergeLowerChildren(dir.lowerDirs);
  const entries = dir.entries();
  const out: Children = {};
  let any = false;
  for (const name of lower.keys()) {
    if (!entries.has(name)) {
      out[name] = { type: 'whiteout' };
      any = true;
    }
  }
  for (const [name, node] of entries) {
    const change = changedNode(node, lower.get(name));
    if (change !== null) {
      out[name] = change;
      any = true;
    }
  }
  return any ? out : null;
}

function changedNode(node: MemNode, was: LowerMerge | undefined): LowerEntry<Uint8Array> | null {
  if (node instanceof MemDir) {
    const wasDir = Array.isArray(was);
    if (wasDir && node.lowerDirs.length > 0 && node.lowerDirs[0] === was[0]) {
      const children = changedChildren(node);
      return children === null && !node.dirty ? null : dirEntry(node, children ?? {}, false);
    }
    return dirEntry(node, wholeTree(node), wasDir);
  }
  if (node.origin !== null && node.origin === was && !node.dirty) return null;
  return leafEntry(node);
}

function wholeTree(dir: MemDir): Children {
  const out: Children = {};
  for (const [name, node] of dir.entries()) {
    out[name] = node instanceof MemDir ? dirEntry(node, wholeTree(node), false) : leafEntry(node);
  }
  return out;
}

function dirEntry(dir: MemDir, children: Children, opaque: boolean): LowerEntry<Uint8Array> {
  const entry: LowerEntry<Uint8Array> = { type: 'dir', mode: dir.mode, mtimeNs: dir.mtimeNs, children };
  if (opaque) entry.opaque = true;
  return entry;
}

function leafEntry(node: MemNode): LowerEntry<Uint8Array> {
  if (node instanceof MemFile) {
    // A file still sharing its lower bytes hands them on (lower arrays are never written); others are copied.
    return { type: 'file', mode: node.mode, mtimeNs: node.mtimeNs, data: node.data.contents() };
  }
  if (node instanceof MemSymlink) {
    return { type: 'symlink', mode: node.mode, mtimeNs: node.mtimeNs, target: node.target };
  }
  return { type: node.type, mode: node.mode, mtimeNs: node.mtimeNs };
}
