/**
 * scripts/serve-web.mjs over real HTTP: isolation headers and MIME types on every response, and nothing served from
 * outside its two folders, however the path is spelled (dot segments, encodings, backslashes, symlinks).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../scripts/serve-web.mjs';

const scratch = mkdtempSync(join(tmpdir(), 'wasmbox-serve-'));
const webDir = join(scratch, 'web');
const imagesDir = join(scratch, 'images');
let server: Server;
let base: URL;

/** A raw GET (fetch would normalize the path before sending it). */
function get(path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: base.hostname, port: base.port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  mkdirSync(join(webDir, 'sub'), { recursive: true });
  mkdirSync(imagesDir, { recursive: true });
  writeFileSync(join(webDir, 'index.html'), '<!doctype html>home');
  writeFileSync(join(webDir, 'app.js'), 'export {}');
  writeFileSync(join(webDir, 'm.wasm'), new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  writeFileSync(join(imagesDir, 'index.json'), '[]');
  writeFileSync(join(imagesDir, 'hello.tar'), 'tar');
  writeFileSync(join(scratch, 'secret.txt'), 'secret');
  symlinkSync(join(scratch, 'secret.txt'), join(webDir, 'link.txt'));
  ({ server, url: base } = await startServer({ port: 0, webDir, imagesDir }).then(({ server, url }) => ({ server, url: new URL(url) })));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(scratch, { recursive: true, force: true });
});

describe('serve-web', () => {
  it('listens on 127.0.0.1 and serves the page, the bundle, wasm and the images with their types and COOP/COEP/CORP', async () => {
    expect(base.hostname).toBe('127.0.0.1');
    const cases: Array<[string, string, string]> = [
      ['/', 'text/html; charset=utf-8', '<!doctype html>home'],
      ['/app.js', 'text/javascript; charset=utf-8', 'export {}'],
      ['/images/index.json', 'application/json; charset=utf-8', '[]'],
      ['/images/hello.tar', 'application/x-tar', 'tar'],
    ];
    for (const [path, type, body] of cases) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers['content-type'], path).toBe(type);
      expect(res.body, path).toBe(body);
      expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(res.headers['cross-origin-embedder-policy']).toBe('require-corp');
      expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
    }
    expect((await get('/m.wasm')).headers['content-type']).toBe('application/wasm');
    const missing = await get('/nope.js');
    expect(missing.status).toBe(404);
    expect(missing.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect((await get('/', 'POST')).status).toBe(405);
  });

  it('serves nothing outside its folders', async () => {
    for (const path of [
      '/../secret.txt',
      '/images/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/images/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/%2e%2e%5csecret.txt',
      '/images/..%2f..%2fsecret.txt',
      '/link.txt', // a symlink out of the folder
      '/sub', // a directory
      '/%00',
      '/%E0%A4%A', // malformed encoding
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).not.toContain('secret');
    }
    // Dot segments that stay inside are fine.
    expect((await get('/sub/../app.js')).status).toBe(200);
    expect((await get('/images/../app.js')).body).toBe('export {}');
  });
});
