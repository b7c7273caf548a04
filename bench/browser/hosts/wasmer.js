// Host: the Wasmer JS SDK (@wasmer/sdk 0.16.0, browser entry), served from node_modules: its runtime
// (pkg/wasmer_sdk_js_bg.wasm, 4.8 MB) and its worker script are loaded relative to the package's own files, nothing
// from a CDN; no registry package is used (the programs are raw WASI modules, `packages.load(bytes)`), and its
// package cache is off. The package is loaded once per module (like a compiled module).
// Default run = a container: a fresh sandbox (its own filesystem), one command spawned in it with stdout piped and
// read here, on the page, and the sandbox closed. Variants (the bench reports the fastest that works, and says which):
//   'shared'   every command in one long-lived sandbox (no fresh filesystem per run);
//   'capture'  `command.run()`: the SDK collects stdout and hands it to the page at exit instead of streaming it.
import { concat } from './bytes.js';
import { Wasmer } from '/node_modules/@wasmer/sdk/dist/index.js';

export const name = '@wasmer/sdk';

export async function createHost() {
  const wasmer = new Wasmer({ cache: false });
  await wasmer.ready();
  const packages = new Map(); // bytes -> Promise<Package>
  const pkgFor = (bytes) => {
    if (!packages.has(bytes)) packages.set(bytes, wasmer.packages.load(bytes));
    return packages.get(bytes);
  };
  let shared = null; // Promise<Sandbox> holding every package
  const installed = new Map(); // Package -> Promise (installed in the shared sandbox)
  const sharedSandbox = async (pkg) => {
    shared ??= wasmer.sandboxes.create({});
    const sandbox = await shared;
    if (!installed.has(pkg)) installed.set(pkg, sandbox.installPackage(pkg));
    await installed.get(pkg);
    return sandbox;
  };
  return {
    async run(bytes, { args, capture, variant = '' }) {
      const pkg = await pkgFor(bytes);
      const reuse = variant.includes('shared');
      const sandbox = reuse ? await sharedSandbox(pkg) : await wasmer.sandboxes.create({ packages: [pkg] });
      try {
        const command = sandbox.command(pkg, args);
        if (variant.includes('capture')) {
          const output = await command.run({ check: false, outputBytes: 64 << 20 });
          const out = output.stdout.bytes;
          return { code: exitCode(output), stdout: capture ? new TextDecoder('latin1').decode(out) : null, stdoutBytes: out.length,
            stderr: output.stderr.text() };
        }
        const proc = await command.spawn({ stdout: 'pipe', stderr: 'capture', stdin: 'closed', outputBytes: 64 << 20 });
        let stdoutBytes = 0;
        const chunks = [];
        for await (const chunk of proc.stdout) {
          stdoutBytes += chunk.length;
          if (capture) chunks.push(chunk.slice());
        }
        const output = await proc.wait({ check: false });
        const stdout = capture ? new TextDecoder('latin1').decode(concat(chunks, stdoutBytes)) : null;
        return { code: exitCode(output), stdout, stdoutBytes, stderr: output.stderr.text() };
      } finally {
        if (!reuse) await sandbox.close();
      }
    },
    close: () => wasmer.close(),
  };
}

const exitCode = (output) => (output.reason === 'exited' ? output.exitCode : `${output.reason} ${output.exitCode}`);

