import { describe, expect, it } from 'vitest';
import { configPlatform, MAX_CONFIG_BYTES, parseImageConfig } from './config.ts';
import { fakeDigest, json, wasiConfig, failurePath } from './oci-fixtures.test-util.ts';

describe('parseImageConfig', () => {
  it('reads the config Docker+Wasm and wasmbox write', () => {
    const config = parseImageConfig(json(wasiConfig({ variant: 'wasip1' })));
    expect(config).toEqual({
      created: '2024-01-01T00:00:00Z',
      architecture: 'wasm',
      os: 'wasi',
      variant: 'wasip1',
      config: { Entrypoint: ['/hello.wasm'], Env: ['PATH=/'], WorkingDir: '/' },
      rootfs: { type: 'layers', diff_ids: [fakeDigest('d')] },
      history: [{ created: '2024-01-01T00:00:00Z', created_by: 'COPY hello.wasm /' }],
    });
    expect(configPlatform(config)).toEqual({ os: 'wasi', architecture: 'wasm', variant: 'wasip1' });
  });

  it('reads a Docker config: Go nulls are absent, extra fields are dropped, diff_ids may be omitted', () => {
    const config = parseImageConfig(
      json({
        architecture: 'wasm',
        os: 'wasi',
        docker_version: '20.10.24',
        container_config: { Cmd: ['/bin/sh', '-c', '#(nop) CMD'] },
        config: {
          Hostname: '',
          User: '1000',
          Env: null,
          Cmd: null,
          Entrypoint: ['/app.wasm', '--serve'],
          Labels: { 'org.opencontainers.image.title': 'app' },
          ExposedPorts: { '8080/tcp': {} },
          Volumes: { '/data': {} },
          StopSignal: 'SIGTERM',
          ArgsEscaped: true,
          Shell: ['/bin/sh', '-c'],
          OnBuild: null,
          Healthcheck: { Test: ['NONE'] },
        },
        rootfs: { type: 'layers' },
        history: [{ created_by: 'x', empty_layer: true }],
      }),
    );
    expect(config.config).toEqual({
      User: '1000',
      Entrypoint: ['/app.wasm', '--serve'],
      Labels: { 'org.opencontainers.image.title': 'app' },
      ExposedPorts: { '8080/tcp': {} },
      Volumes: { '/data': {} },
      StopSignal: 'SIGTERM',
      ArgsEscaped: true,
      Shell: ['/bin/sh', '-c'],
    });
    expect(config.rootfs.diff_ids).toEqual([]);
    expect(config.history).toEqual([{ created_by: 'x', empty_layer: true }]);
    expect('container_config' in config).toBe(false);
  });

  it('accepts a config without a container config', () => {
    expect(parseImageConfig(json(wasiConfig({ config: null }))).config).toBeUndefined();
  });

  it('names the bad field', () => {
    const bad = (patch: Record<string, unknown>) => json(wasiConfig(patch));
    const container = (patch: Record<string, unknown>) => bad({ config: { Entrypoint: ['/x.wasm'], ...patch } });
    expect(failurePath(() => parseImageConfig(bad({ architecture: undefined })))).toBe('config.architecture');
    expect(failurePath(() => parseImageConfig(bad({ os: 7 })))).toBe('config.os');
    expect(failurePath(() => parseImageConfig(bad({ rootfs: undefined })))).toBe('config.rootfs');
    expect(failurePath(() => parseImageConfig(bad({ rootfs: { type: 'tar', diff_ids: [] } })))).toBe('config.rootfs.type');
    expect(failurePath(() => parseImageConfig(bad({ rootfs: { type: 'layers', diff_ids: [fakeDigest('a'), 'sha256:xyz'] } })))).toBe(
      'config.rootfs.diff_ids[1]',
    );
    expect(failurePath(() => parseImageConfig(bad({ config: [] })))).toBe('config.config');
    expect(failurePath(() => parseImageConfig(container({ Env: ['A=1', 2] })))).toBe('config.config.Env[1]');
    expect(failurePath(() => parseImageConfig(container({ Cmd: 'run' })))).toBe('config.config.Cmd');
    expect(failurePath(() => parseImageConfig(container({ Cmd: ['a\0b'] })))).toBe('config.config.Cmd[0]');
    expect(failurePath(() => parseImageConfig(container({ WorkingDir: 5 })))).toBe('config.config.WorkingDir');
    expect(failurePath(() => parseImageConfig(container({ Labels: { a: true } })))).toBe('config.config.Labels["a"]');
    expect(failurePath(() => parseImageConfig(container({ ExposedPorts: { '80/tcp': 1 } })))).toBe('config.config.ExposedPorts["80/tcp"]');
    expect(failurePath(() => parseImageConfig(container({ ArgsEscaped: 'yes' })))).toBe('config.config.ArgsEscaped');
    expect(failurePath(() => parseImageConfig(bad({ history: [{ empty_layer: 1 }] })))).toBe('config.history[0].empty_layer');
  });

  it('caps bytes and list lengths', () => {
    expect(failurePath(() => parseImageConfig(new Uint8Array(MAX_CONFIG_BYTES + 1)))).toBe('config');
    const env = Array.from({ length: 5000 }, (_, i) => `K${i}=v`);
    expect(failurePath(() => parseImageConfig(json(wasiConfig({ config: { Env: env } }))))).toBe('config.config.Env');
  });
});
