/**
 * layer tree: what one layer's tar members add up to, applied in archive order the way Docker and containerd apply
 * a layer, then listed as sorted `LayerEntry` values. `read-layer.ts` feeds it normalized paths; it enforces the rules
 * that need the layer's state so far:
 * - no member below a symlink (or file) planted earlier in the same layer (`link -> /etc`, then `link/passwd`);
 * - hard links only to files/symlinks already in the layer, never to directories;
 * - duplicates: the later member wins; a non-directory replaces whatever was there, including a whole directory
 *   subtree (moby pkg/archive `UnpackLayer`: RemoveAll unless dir-over-dir); a directory over a directory merges;
 * - whiteouts apply only to lower layers (OCI image-spec layer.md "Whiteouts": "Files that are present in the same
 *   layer as a whiteout file can only be hidden by whiteout files in subsequent layers"). So a whiteout of a name
 *   this layer also creates is redundant for a non-directory and means "opaque" for a directory.
 * Must not: read tar bytes or know the tar format; import node:*.
 */
import { LayerFormatError, type LayerEntry } from './layer-entry.ts';
import { ancestors, compareUtf8, dirname, sortKey } from './layer-path.ts';

/** A regular file's inode: hard links share one. */
interface Inode {
  /** Names given to this inode so far (1 + hard links); only shared inodes need the first-name lookup. */
  links: number;
  dataOffset: number;
  size: number;
  mode: number;
  mtimeSec: number;
}

type Node =
  | { kind: 'dir'; mode: number; mtimeSec: number }
  | { kind: 'file'; inode: Inode }
  | { kind: 'symlink'; target: string; mode: number; mtimeSec: number };

const SURROGATE = /[\uD800-\uDFFF]/;

export interface MemberMeta {
  mode: number;
  mtimeSec: number;
  /** For messages: the member's name as it appears in the tar. */
  rawName: string;
  /** For messages: the member's header offset. */
  offset: number;
}

export class LayerTree {
  private readonly nodes = new Map<string, Node>();
  private readonly whiteouts = new Set<string>();
  private readonly opaques = new Set<string>();
  /** Every path that has something at or below it, by parent: lets a replaced directory drop its subtree. */
  private readonly children = new Map<string, Set<string>>();

  addDir(path: string, meta: MemberMeta): void {
    this.checkParents(path, meta);
    const existing = this.nodes.get(path);
    if (existing && existing.kind !== 'dir') this.nodes.delete(path);
    this.nodes.set(path, { kind: 'dir', mode: meta.mode, mtimeSec: meta.mtimeSec });
    this.link(path);
  }

  addFile(path: string, meta: MemberMeta, data: { dataOffset: number; size: number }): void {
    this.checkParents(path, meta);
    const inode: Inode = { links: 1, dataOffset: data.dataOffset, size: data.size, mode: meta.mode, mtimeSec: meta.mtimeSec };
    this.replaceWith(path, { kind: 'file', inode });
  }

  addSymlink(path: string, meta: MemberMeta, target: string): void {
    this.checkParents(path, meta);
    this.replaceWith(path, { kind: 'symlink', target, mode: meta.mode, mtimeSec: meta.mtimeSec });
  }

  /** `target` is normalized and inside the layer; it must name a file or symlink added earlier. */
  addHardlink(path: string, meta: MemberMeta, target: string): void {
    this.checkParents(path, meta);
    const node = this.nodes.get(target);
    if (!node) {
      throw fail(meta, `hard link to ${JSON.stringify(target)}, which is not an earlier entry of this layer`);
    }
    if (node.kind === 'dir') throw fail(meta, `hard link to the directory ${JSON.stringify(target)}`);
    // A hard link to a symlink (link(2) does not follow) becomes a second symlink: same target, no shared inode.
    if (node.kind === 'file') node.inode.links++;
    this.replaceWith(path, node.kind === 'file' ? { kind: 'file', inode: node.inode } : { ...node });
  }

  addWhiteout(path: string, meta: MemberMeta): void {
    this.checkParents(path, meta);
    this.whiteouts.add(path);
    this.link(path);
  }

  /** `.wh..wh..opq` in directory `dir` (`''` = the layer root). */
  addOpaque(dir: string, meta: MemberMeta): void {
    if (dir !== '') {
      this.checkParents(dir, meta);
      const node = this.nodes.get(dir);
      if (node && node.kind !== 'dir') throw parentProblem(meta, dir, node);
    }
    this.opaques.add(dir);
    if (dir !== '') this.link(dir);
  }

  /** The layer as sorted entries (see `LayerEntry` for the invariants). */
  entries(): LayerEntry[] {
    // Paths with something below them are (implied) directories.
    const hasBelow = new Set<string>();
    const mark = (path: string) => {
      for (let p = dirname(path); p !== '' && !hasBelow.has(p); p = dirname(p)) hasBelow.add(p);
    };
    for (const path of this.nodes.keys()) mark(path);
    for (const path of this.whiteouts) mark(path);
    for (const path of this.opaques) if (path !== '') mark(path);

    const out: Array<{ key: string; entry: LayerEntry; inode?: Inode }> = [];
    const add = (entry: LayerEntry, inode?: Inode) => out.push({ key: sortKey(entry.path), entry, inode });
    for (const [path, node] of this.nodes) {
      if (node.kind === 'dir') add({ path, kind: 'dir', mode: node.mode, mtimeSec: node.mtimeSec, size: 0, dataOffset: 0 });
      else if (node.kind === 'symlink') {
        add({ path, kind: 'symlink', mode: node.mode, mtimeSec: node.mtimeSec, size: 0, dataOffset: 0, linkTarget: node.target });
      } else {
        const { mode, mtimeSec, size, dataOffset } = node.inode;
        add({ path, kind: 'file', mode, mtimeSec, size, dataOffset }, node.inode);
      }
    }
    const opaque = new Set(this.opaques);
    for (const path of this.whiteouts) {
      const node = this.nodes.get(path);
      if (node?.kind === 'dir' || (!node && hasBelow.has(path))) opaque.add(path); // this layer re-creates a dir
      else if (!node) add({ path, kind: 'whiteout', mode: 0, mtimeSec: 0, size: 0, dataOffset: 0 });
      // else: this layer's own non-directory already hides the lower name.
    }
    for (const path of opaque) add({ path, kind: 'opaque', mode: 0, mtimeSec: 0, size: 0, dataOffset: 0 });

    // Same path: the dir comes before its opaque marker.
    // JS string order is code point order unless a surrogate is involved (see compareUtf8): use the native compare
    // when no key has one.
    const astral = out.some((o) => SURROGATE.test(o.key));
    const byKey = astral ? compareUtf8 : (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    out.sort((a, b) => byKey(a.key, b.key) || (a.entry.kind === 'opaque' ? 1 : 0) - (b.entry.kind === 'opaque' ? 1 : 0));

    // The first name of a shared inode (in this order) holds the data; later ones are hard links to it.
    const firstName = new Map<Inode, string>();
    return out.map(({ entry, inode }) => {
      if (!inode || inode.links === 1) return entry;
      const first = firstName.get(inode);
      if (first === undefined) {
        firstName.set(inode, entry.path);
        return entry;
      }
      return { ...entry, kind: 'hardlink', linkTarget: first };
    });
  }

  /** Every proper ancestor must be a directory of this layer or absent (then it is implied, or a lower layer's). */
  private checkParents(path: string, meta: MemberMeta): void {
    for (const parent of ancestors(path)) {
      const node = this.nodes.get(parent);
      if (node && node.kind !== 'dir') throw parentProblem(meta, parent, node);
    }
  }

  /** A non-directory at `path` replaces whatever this layer had there, a directory's whole subtree included. */
  private replaceWith(path: string, node: Node): void {
    this.removeSubtree(path);
    this.nodes.set(path, node);
    this.link(path);
  }

  private removeSubtree(path: string): void {
    this.nodes.delete(path);
    this.whiteouts.delete(path);
    this.opaques.delete(path);
    const kids = this.children.get(path);
    if (!kids) return;
    this.children.delete(path);
    for (const kid of kids) this.removeSubtree(kid);
  }

  /** Records `path` under its parent, and the parent under its own, up to the first link that already exists. */
  private link(path: string): void {
    for (let child = path; child !== '';) {
      const parent = dirname(child);
      let set = this.children.get(parent);
      if (!set) this.children.set(parent, (set = new Set()));
      if (set.has(child)) return;
      set.add(child);
      child = parent;
    }
  }
}

function fail(meta: MemberMeta, problem: string): LayerFormatError {
  return new LayerFormatError(problem, { path: meta.rawName, offset: meta.offset });
}

function parentProblem(meta: MemberMeta, parent: string, node: Node): LayerFormatError {
  return node.kind === 'symlink'
    ? fail(meta, `writes through the symlink ${JSON.stringify(parent)} planted earlier in this layer`)
    : fail(meta, `its parent ${JSON.stringify(parent)} is a file of this layer, not a directory`);
}
