// scripts/serve.js: the page's static server. MIME types, no escape from the served
// directory, the CSP header on every response, port 0, and the printed URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { startServer, CONTENT_SECURITY_POLICY } from '../../scripts/serve.js';
import { tempDir, root } from './helpers.js';

let server;
let outside;

/** A raw GET, so paths like /../x reach the server unnormalised. */
function get(path, method = 'GET') {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'], csp: res.headers['content-security-policy'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

before(async () => {
  const base = tempDir('c2s-serve-');
  const site = join(base, 'site');
  outside = join(base, 'secret.txt');
  mkdirSync(join(site, 'pkg'), { recursive: true });
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(site, 'app.js'), 'export {};');
  writeFileSync(join(site, 'style.css'), 'body{}');
  writeFileSync(join(site, 'pkg', 'm.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  writeFileSync(outside, 'do not serve');
  symlinkSync(outside, join(site, 'link.txt'));
  server = await startServer(site, 0);
});

after(() => server?.close());

test('port 0 picks a free port on 127.0.0.1', () => {
  assert.ok(server.port > 0);
  assert.equal(server.url, `http://127.0.0.1:${server.port}/`);
});

test('serves files with the MIME types the browser needs, and the page\'s CSP', async () => {
  const cases = { '/': 'text/html; charset=utf-8', '/index.html': 'text/html; charset=utf-8', '/app.js': 'text/javascript; charset=utf-8', '/style.css': 'text/css; charset=utf-8', '/pkg/m.wasm': 'application/wasm' };
  for (const [path, type] of Object.entries(cases)) {
    const r = await get(path);
    assert.equal(r.status, 200, path);
    assert.equal(r.type, type, path);
    assert.equal(r.csp, CONTENT_SECURITY_POLICY, path);
  }
  assert.match(CONTENT_SECURITY_POLICY, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.equal((await get('/app.js', 'HEAD')).body, '');
});

test('nothing outside the directory is reachable', async () => {
  for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/pkg/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/link.txt', '/app.js%00.css', '/%E0%A4%A', '/pkg', '/missing.js']) {
    const r = await get(path);
    assert.equal(r.status, 404, path);
    assert.doesNotMatch(r.body, /do not serve/, path);
  }
  assert.equal((await get('/app.js', 'POST')).status, 405);
});

test('`node scripts/serve.js <dir> --port 0` prints the URL it serves', async () => {
  const child = spawn(process.execPath, [join(root, 'scripts', 'serve.js'), join(root, 'www'), '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [line] = await once(child.stdout, 'data');
    assert.match(String(line), /^serving .* at http:\/\/127\.0\.0\.1:\d+\/\n$/);
  } finally {
    child.kill();
  }
});
