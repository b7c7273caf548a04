/**
 * cli volumes: parses `-v SOURCE:TARGET[:ro|:rw]` as Docker does. SOURCE is a host path when it contains a `/`
 * or starts with `.` or `~`; otherwise it names a volume (engine.volumes: a directory
 * `$WASMBOX_HOME/volumes/NAME/_data`, like Docker's), created on first use.
 */
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunMount } from '../engine/run-options.ts';
import { checkVolumeName } from '../engine/volumes.ts';


export function parseVolume(spec: string): RunMount {
  const parts = spec.split(':');
  let mode: string | undefined;
  if (parts.length === 3) mode = parts.pop();
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new Error(`invalid volume "${spec}": expected SOURCE:TARGET[:ro]`);
  }
  if (mode !== undefined && mode !== 'ro' && mode !== 'rw') {
    throw new Error(`invalid volume mode "${mode}" in "${spec}": expected ro or rw`);
  }
  const [source, target] = parts;
  if (!target.startsWith('/')) throw new Error(`invalid volume "${spec}": the container path must be absolute`);
  const readonly = mode === 'ro';
  if (isHostPath(source)) {
    const hostPath = resolve(source.startsWith('~') ? join(homedir(), source.slice(1)) : source);
    const stat = statSync(hostPath, { throwIfNoEntry: false });
    if (!stat) throw new Error(`bind mount source ${hostPath} does not exist`);
    if (!stat.isDirectory()) throw new Error(`bind mount source ${hostPath} is not a directory`);
    return { target, source: { kind: 'host', hostPath }, readonly };
  }
  checkVolumeName(source);
  return { target, source: { kind: 'volume', name: source }, readonly };
}

function isHostPath(source: string): boolean {
  return source.includes('/') || source.startsWith('.') || source.startsWith('~');
}
