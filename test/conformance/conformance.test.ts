/**
 * conformance: the guest-program suite. Every self-checking program in test/programs runs through the real engine
 * (worker, VFS, WASI host) and must exit 0 printing "ok"; a failed CHECK prints "FAIL file:line: ..." on stderr,
 * which the assertion message shows. Filesystem programs run three times: on the container's root filesystem, on
 * a tmpfs mount and on a host bind mount, since each is a different VFS backend. wasmtime's preview1 semantics are
 * the reference (see each program's header); the programs set the expectations, this file only feeds them input.
 *
 * CHECK_KEEP_GOING is set, so one run reports every failing check of a program, not just the first.
 * Must not: decide conformance itself (that lives in the C programs), or skip a program silently (the last test
 * fails when a program in test/programs has no case here).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELPER_PROGRAMS, programNames } from '../helpers/fixtures.ts';
import { runGuest, type GuestOptions, type GuestResult } from '../helpers/run-guest.ts';

/** Where a filesystem program makes its scratch directory (the SCRATCH variable read by check.h). */
type Storage = 'rootfs' | 'tmpfs' | 'host';
const STORAGES: Storage[] = ['rootfs', 'tmpfs', 'host'];
const SCRATCH_MOUNT = '/mnt/scratch';

let hostScratch = '';
// Set in this process: cli_args_env checks the guest cannot see it (deny by default: no host env).
const CANARY = 'WASMBOX_CONFORMANCE_CANARY';

beforeAll(() => {
  hostScratch = mkdtempSync(join(tmpdir(), 'wasmbox-conformance-'));
  process.env[CANARY] = 'leaked';
});

afterAll(() => {
  delete process.env[CANARY];
  rmSync(hostScratch, { recursive: true, force: true });
});

function storageOptions(storage: Storage): GuestOptions {
  switch (storage) {
    case 'rootfs':
      return { env: { SCRATCH: '/tmp' } };
    case 'tmpfs':
      return {
        env: { SCRATCH: SCRATCH_MOUNT },
        mounts: [{ target: SCRATCH_MOUNT, source: { kind: 'tmpfs' }, readonly: false }],
      };
    case 'host':
      return {
        env: { SCRATCH: SCRATCH_MOUNT },
        mounts: [{ target: SCRATCH_MOUNT, source: { kind: 'host', hostPath: hostScratch }, readonly: false }],
      };
  }
}

interface Case {
  /** Run once per storage backend (programs that work in a scratch directory). */
  storage?: boolean;
  /** Extra runGuest options (env is merged with the storage's and CHECK_KEEP_GOING). */
  options?: () => GuestOptions;
  /** Checks on top of "exited 0 and printed ok". */
  check?: (r: GuestResult) => void;
  /** Replaces the standard run-and-check entirely (for programs with several modes). */
  custom?: () => Promise<void>;
  /** Test timeout in ms (default: the project's 30 s). */
  timeout?: number;
}

/** Everything needed to understand a failure: how it ended, stderr (the FAIL lines), the end of stdout. */
function explain(r: GuestResult): string {
  const tail = r.stdout.length > 2000 ? `...${r.stdout.slice(-2000)}` : r.stdout;
  return `reason=${r.reason} code=${r.code}${r.message ? ` message=${r.message}` : ''}\n` +
    `--- stderr ---\n${r.stderr}\n--- stdout ---\n${tail}`;
}

function expectOk(r: GuestResult): void {
  const why = explain(r);
  expect(r.reason, why).toBe('exit');
  expect(r.code, why).toBe(0);
  expect(r.stdout, why).toMatch(/^ok$/m);
}

async function run(program: string, options: GuestOptions = {}, storage?: Storage): Promise<GuestResult> {
  const base = storage ? storageOptions(storage) : {};
  return runGuest(program, {
    ...base,
    ...options,
    env: { CHECK_KEEP_GOING: '1', ...base.env, ...options.env },
    mounts: [...(base.mounts ?? []), ...(options.mounts ?? [])],
  });
}

const BIG_ENV = 'x'.repeat(100_000);

const CASES: Record<string, Case> = {
  // File I/O.
  fd_rw: { storage: true },
  fd_append: { storage: true },
  fd_seek: { storage: true },
  fd_truncate: { storage: true },
  // Holes cost nothing (the quota counts blocks written), so 8 GiB sparse files fit the default 1 GiB budget.
  fd_sparse: { storage: true, timeout: 120_000 },
  fd_ops: { storage: true },
  // Metadata.
  stat: { storage: true },
  utimes: { storage: true },
  // Directories and names.
  dirs: { storage: true },
  readdir_many: { storage: true, timeout: 120_000 },
  open_flags: { storage: true },
  symlinks: { storage: true },
  hardlinks: { storage: true },
  rename: { storage: true },
  unlink: { storage: true },
  paths: { storage: true },
  // Raw preview1 corners.
  wasi_preopen: {},
  wasi_rights: { storage: true },
  sockets: {},
  // Time, randomness, polling.
  clocks: { options: () => ({ args: [String(Date.now())] }) },
  clock_sleep: {},
  poll: { options: () => ({ stdin: 'hello\n' }) },
  random: {},
  devices: {},
  // The process boundary: args, env, stdio, exit.
  cli_args_env: {
    options: () => ({
      args: ['', 'héllo wörld', '日本語 😀', 'two words', '--flag=a=b'],
      env: { EMPTY: '', UNICODE: 'ünï©ødé ✓', WITH_EQ: 'a=b=c', BIG: BIG_ENV },
    }),
    check: (r) => {
      expect(r.stdout, explain(r)).toContain([
        'arg[1]=',
        'arg[2]=héllo wörld',
        'arg[3]=日本語 😀',
        'arg[4]=two words',
        'arg[5]=--flag=a=b',
        'env EMPTY=',
        'env UNICODE=ünï©ødé ✓',
        'env WITH_EQ=a=b=c',
        'env BIG length=100000',
        'ok',
      ].join('\n'));
    },
  },
  stdin_lines: {
    custom: async () => {
      // Lines as fed in, including an empty one, UTF-8, a CR and a last line without newline.
      const fed = await run('stdin_lines', { args: ['5'], stdin: 'first\nsecond line\n\nünïcode\r\nno newline at end' });
      expectOk(fed);
      expect(fed.stdout, explain(fed)).toBe(
        '> first\n> second line\n> \n> ünïcode\r\n> no newline at end\nlines=5\nok\n');
      // No stdin at all (closed by default): immediate end of input.
      const none = await run('stdin_lines', { args: ['0'] });
      expectOk(none);
      expect(none.stdout, explain(none)).toBe('lines=0\nok\n');
      // Binary-safe and large: 10000 lines.
      const many = Array.from({ length: 10_000 }, (_, i) => `line ${i}`).join('\n') + '\n';
      const big = await run('stdin_lines', { args: ['10000'], stdin: new TextEncoder().encode(many) });
      expectOk(big);
      expect(big.stdout, explain(big)).toContain('> line 9999\nlines=10000\nok\n');
    },
  },
  stdio: {
    check: (r) => {
      expect(r.stdout, explain(r)).toContain('unicode: ünïcödé ✓ 日本\nsplit: 😀\n');
      expect(r.stdout.match(/^x{1023}$/gm)?.length, explain(r)).toBe(1024);
      expect(r.stderr).toContain('to stderr\n');
    },
  },
  exit_codes: {
    custom: async () => {
      const expected: Array<[mode: string, reason: GuestResult['reason'], code?: number]> = [
        ['exit3', 'exit', 3],
        ['return42', 'exit', 42],
        ['exit0_flush', 'exit', 0],
        ['proc_exit7', 'exit', 7],
        ['abort', 'trap'],
        ['trap', 'trap'],
        ['oob', 'trap'],
        ['stack', 'trap'],
      ];
      for (const [mode, reason, code] of expected) {
        const r = await run('exit_codes', { args: [mode] });
        const why = `mode ${mode}: ${explain(r)}`;
        expect(r.reason, why).toBe(reason);
        if (code !== undefined) expect(r.code, why).toBe(code);
        if (reason === 'trap') expect(r.code, why).not.toBe(0);
        if (mode === 'exit0_flush') expect(r.stdout, why).toBe('flushed');
      }
    },
  },
};

for (const [program, c] of Object.entries(CASES)) {
  describe(program, () => {
    if (c.custom) {
      it('behaves as specified', c.custom, c.timeout);
      return;
    }
    for (const storage of c.storage ? STORAGES : [undefined]) {
      it(storage ? `passes on ${storage}` : 'passes', async () => {
        const r = await run(program, c.options?.() ?? {}, storage);
        expectOk(r);
        c.check?.(r);
      }, c.timeout);
    }
  });
}

describe('the suite', () => {
  // wasmtime's assert_test_exists: a program without a case would silently never run.
  it('has a case for every conformance program in test/programs', () => {
    const helpers: readonly string[] = HELPER_PROGRAMS;
    const missing = programNames().filter((name) => !helpers.includes(name) && !(name in CASES));
    expect(missing, 'add a case to CASES (or, for a helper program, list it in HELPER_PROGRAMS)').toEqual([]);
  });

  it('names only programs that exist, and no helper', () => {
    const names = programNames();
    expect(Object.keys(CASES).filter((name) => !names.includes(name))).toEqual([]);
    expect(HELPER_PROGRAMS.filter((name) => !names.includes(name))).toEqual([]);
    const helpers: readonly string[] = HELPER_PROGRAMS;
    expect(Object.keys(CASES).filter((name) => helpers.includes(name))).toEqual([]);
  });
});
