// bench browser page driver, shared by the per-host pages (wasmbox.html, wasmer.html, shim.html).
// `setup(host)` exposes `window.bench(task)`, which the Node side (bench/rows/browser.mjs) calls through WebDriver.
// A host module exports `name` and `createHost({ prewarm })` -> { run(bytes, { argv0, args, capture, variant }),
// warm?(), close() }, where run resolves { code, stdout (when capture), stdoutBytes, stderr } once the exit status is
// known and stdout has reached this page (the page, not a worker, consumes the output). `variant` names a
// host-specific configuration a task asks for (e.g. Wasmer's shared sandbox); undefined is the host's default.
//
// Tasks (each resolves a plain JSON object):
//   { kind: 'first', program, args, expect }  create the host (no prewarm) and run once; valid once per page load.
//   { kind: 'init' }                          create the host and warm it (worker pool, runtime initialised).
//   { kind: 'runs', steps: [{ program, args, expect }], warmup, reps, budgetMs, limitMs, variant }
//        each rep runs the steps one after another (fresh container each) and records their total time; a rep past
//        limitMs is abandoned and reported as { timedOut } (the caller reloads the page afterwards).
//   { kind: 'concurrent', program, args, expect, n, warmup, reps, budgetMs, limitMs, variant }
//        n runs at once; time until all exited.
//   { kind: 'call', name, ...args }           a host-specific extra (e.g. wasmbox's image import).
const loadedAt = performance.now(); // module evaluation: the host library has been imported by now
const wasmCache = new Map();
let host = null;
let hostModule = null;

async function wasm(program) {
  if (!wasmCache.has(program)) {
    const res = await fetch(`/fixtures/${program}.wasm`);
    if (!res.ok) throw new Error(`fetch ${program}.wasm: ${res.status}`);
    wasmCache.set(program, new Uint8Array(await res.arrayBuffer()));
  }
  return wasmCache.get(program);
}

function check(step, result) {
  const where = `${step.program} ${step.args.join(' ')}`;
  if (result.code !== 0) throw new Error(`${where}: exit ${result.code}: ${String(result.stderr).slice(0, 300)}`);
  const e = step.expect ?? {};
  if (e.stdout !== undefined && result.stdout !== null && result.stdout !== e.stdout) {
    throw new Error(`${where}: stdout ${JSON.stringify(String(result.stdout).slice(0, 200))}, expected ${JSON.stringify(e.stdout)}`);
  }
  if (e.bytes !== undefined && result.stdoutBytes !== e.bytes) {
    throw new Error(`${where}: ${result.stdoutBytes} stdout bytes, expected ${e.bytes}`);
  }
}

async function runStep(step, capture) {
  const bytes = await wasm(step.program);
  const result = await host.run(bytes, { argv0: step.program, args: step.args, capture, variant: step.variant });
  check(step, result);
  return result;
}

const TIMED_OUT = Symbol('timed out');
function withLimit(promise, limitMs) {
  if (!limitMs) return promise;
  let timer;
  const limit = new Promise((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), limitMs)));
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

async function ensureHost() {
  if (!host) {
    host = await hostModule.createHost({ prewarm: true });
    await host.warm?.();
  }
  return host;
}

const tasks = {
  async first(task) {
    if (host) throw new Error('first: the host already exists (reload the page)');
    const step = { program: task.program, args: task.args ?? [], expect: task.expect };
    await wasm(step.program); // fetching the file is the network's time, not the host's
    const t0 = performance.now();
    host = await hostModule.createHost({ prewarm: false });
    const result = await host.run(await wasm(step.program), { argv0: step.program, args: step.args, capture: true });
    const ms = performance.now() - t0;
    check(step, result);
    return { ms, loadedMs: loadedAt };
  },

  async init() {
    const t0 = performance.now();
    await ensureHost();
    return { ms: performance.now() - t0 };
  },

  async runs(task) {
    await ensureHost();
    const steps = task.steps.map((s) => ({ ...s, args: s.args ?? [], variant: task.variant }));
    for (const s of steps) await wasm(s.program);
    const stepTimes = steps.map(() => []); // per step, for the reps that completed: where the time goes
    const once = async (capture) => {
      const marks = [];
      for (const s of steps) {
        const t0 = performance.now();
        await runStep(s, capture);
        marks.push(performance.now() - t0);
      }
      return marks;
    };
    const timed = async () => {
      const marks = await once(false);
      marks.forEach((ms, i) => stepTimes[i].push(ms));
    };
    for (let i = 0; i < (task.warmup ?? 1); i++) {
      const t0 = performance.now();
      if ((await withLimit(once(true), task.limitMs)) === TIMED_OUT) return { timedOut: true, limitMs: task.limitMs, phase: 'warmup' };
      if (task.limitMs && performance.now() - t0 > task.limitMs / 2 && task.reps > 1) {
        // slow host: one timed rep is all the budget allows
        task = { ...task, reps: 1 };
      }
    }
    const times = [];
    const deadline = performance.now() + (task.budgetMs ?? Infinity);
    for (let i = 0; i < task.reps && (i < 1 || performance.now() < deadline); i++) {
      const t0 = performance.now();
      if ((await withLimit(timed(), task.limitMs)) === TIMED_OUT) return { timedOut: true, limitMs: task.limitMs, times, stepTimes };
      times.push(performance.now() - t0);
    }
    return { times, stepTimes };
  },

  async concurrent(task) {
    await ensureHost();
    const step = { program: task.program, args: task.args ?? [], expect: task.expect, variant: task.variant };
    await wasm(step.program);
    const batch = async () => {
      await Promise.all(Array.from({ length: task.n }, () => runStep(step, true)));
    };
    const times = [];
    const warmupTimes = [];
    let deadline = (task.warmup ?? 0) === 0 ? performance.now() + (task.budgetMs ?? Infinity) : Infinity;
    for (let i = 0; i < (task.warmup ?? 0) + task.reps && (times.length < 1 || performance.now() < deadline); i++) {
      const t0 = performance.now();
      let outcome;
      try {
        outcome = await withLimit(batch(), task.limitMs);
      } catch (error) {
        // the batches that completed say how far the host got
        return { failed: String(error?.message ?? error).slice(0, 300), batch: i + 1, times, warmupTimes };
      }
      if (outcome === TIMED_OUT) return { timedOut: true, limitMs: task.limitMs, times, warmupTimes };
      (i >= (task.warmup ?? 0) ? times : warmupTimes).push(performance.now() - t0);
      if (i + 1 === (task.warmup ?? 0)) deadline = performance.now() + (task.budgetMs ?? Infinity);
    }
    return { times, warmupTimes };
  },

  async call(task) {
    const fn = hostModule.extras?.[task.name];
    if (!fn) throw new Error(`${hostModule.name}: no extra task ${task.name}`);
    return fn(task);
  },
};

/** Registers the host module and exposes window.bench. */
export function setup(module) {
  hostModule = module;
  window.bench = async (task) => {
    try {
      return { ok: true, result: await tasks[task.kind](task) };
    } catch (error) {
      return { ok: false, error: String(error?.stack ?? error).slice(0, 1500) };
    }
  };
  window.benchInfo = { host: module.name, crossOriginIsolated: globalThis.crossOriginIsolated === true, loadedAt };
  document.title = `${module.name} ready`;
}
