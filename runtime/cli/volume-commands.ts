/**
 * cli volume-commands: `wasmbox volume create|ls|rm|inspect`, over engine.volumes (directories under
 * `$WASMBOX_HOME/volumes`, as Docker's local driver keeps them). Output follows docker's; a failure names the volume
 * and exits 1, as `docker volume` does.
 */
import { createEngine, type Engine } from '../platform/entry.node.ts';
import { writeTable, type Output } from './output.ts';

async function withVolumes<T>(fn: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = createEngine({ warmWorkers: 0 });
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

/** Runs each name through `fn`, printing errors docker's way; the exit code is 1 if any failed. */
async function eachName(names: string[], err: Output, fn: (name: string) => Promise<void>): Promise<number> {
  let code = 0;
  for (const name of names) {
    try {
      await fn(name);
    } catch (error) {
      err.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
      code = 1;
    }
  }
  return code;
}

export function volumeCreateCommand(name: string, out: Output, err: Output): Promise<number> {
  return withVolumes((engine) => eachName([name], err, async (n) => out.write(`${(await engine.volumes.create(n)).name}\n`)));
}

export async function volumeListCommand(options: { quiet?: boolean }, out: Output): Promise<void> {
  const volumes = await withVolumes((engine) => engine.volumes.list());
  if (options.quiet) {
    for (const v of volumes) out.write(`${v.name}\n`);
    return;
  }
  writeTable(out, [['DRIVER', 'VOLUME NAME'], ...volumes.map((v) => ['local', v.name])]);
}

export function volumeRemoveCommand(names: string[], out: Output, err: Output): Promise<number> {
  return withVolumes((engine) => eachName(names, err, async (n) => {
    await engine.volumes.remove(n);
    out.write(`${n}\n`);
  }));
}

export function volumeInspectCommand(names: string[], out: Output, err: Output): Promise<number> {
  return withVolumes(async (engine) => {
    const all = await engine.volumes.list();
    const found: object[] = [];
    const code = await eachName(names, err, async (n) => {
      const v = all.find((x) => x.name === n);
      if (!v) throw new Error(`no such volume: ${n}`);
      found.push({ Name: v.name, Driver: 'local', CreatedAt: new Date(v.created).toISOString(), Scope: 'local' });
    });
    out.write(`${JSON.stringify(found, null, 4)}\n`);
    return code;
  });
}
