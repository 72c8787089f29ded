// pushBytes/finishBytes: the same output as push/finish, as UTF-8 bytes (what convertFile writes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Converter } from '../../host/index.js';
import { generate } from '../../bench/generate.js';
import { tempDir } from './helpers.js';

const dir = tempDir();
generate({ users: 300, seed: 'bytes', out: dir, formats: ['csv'] });
const input = readFileSync(join(dir, 'users.csv'));

function run(chunk, bytes) {
  const c = new Converter({ nowMs: 1.8e12, batchSize: 100 });
  const files = {};
  const take = (pieces) => {
    for (const p of pieces) {
      const text = bytes ? new TextDecoder('utf-8', { fatal: true }).decode(p.bytes) : p.text;
      if (bytes) assert.ok(p.bytes instanceof Uint8Array && p.text === undefined);
      files[p.name] = { text: (p.append ? files[p.name].text : '') + text, secret: p.secret };
    }
  };
  for (let i = 0; i < input.length; i += chunk) take(bytes ? c.pushBytes(input.subarray(i, i + chunk)) : c.push(input.subarray(i, i + chunk)));
  take(bytes ? c.finishBytes() : c.finish());
  return { files, progress: c.progress() };
}

test('pushBytes/finishBytes give the bytes of push/finish, whatever the chunking', () => {
  const text = run(input.length, false);
  assert.ok(Object.keys(text.files).length >= 4);
  assert.ok(/[^\x00-\x7f]/.test(text.files['batch-0001.json'].text), 'non-ASCII names survive');
  for (const chunk of [input.length, 4096, 777]) assert.deepEqual(run(chunk, true), text, `chunk ${chunk}`);
});

test('finishBytes twice, or pushBytes after finish, is an error', () => {
  const c = new Converter({});
  c.finishBytes();
  assert.throws(() => c.finishBytes(), /has finished/);
  assert.throws(() => c.pushBytes(new Uint8Array([65])), /has finished/);
  assert.throws(() => c.finish(), /has finished/);
});
