// The wasm surface, tested again under Node: the Converter class and its errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Converter, convertBytes } from '../../host/index.js';
import { sample } from './helpers.js';

const input = readFileSync(sample('dashboard-export.SYNTHETIC.csv'));

function run(bytes, chunk, options = { nowMs: 1.8e12 }) {
  const c = new Converter(options);
  const files = {};
  const take = (pieces) => { for (const p of pieces) files[p.name] = (p.append ? files[p.name] : '') + p.text; };
  for (let i = 0; i < bytes.length; i += chunk) take(c.push(bytes.subarray(i, i + chunk)));
  take(c.finish());
  return { files, progress: c.progress() };
}

test('output is identical for every chunking, through wasm', () => {
  const whole = run(input, input.length);
  for (const chunk of [1, 7, 13, 256]) assert.deepEqual(run(input, chunk), whole, `chunk ${chunk}`);
  assert.deepEqual(whole.progress, { bytes: input.length, records: 4, converted: 3, deferred: 1, rejected: 0, batches: 1 });
});

test('secret output is flagged, public output is not', () => {
  const c = new Converter({ nowMs: 1.8e12 });
  const pieces = [...c.push(input), ...c.finish()];
  const byName = Object.fromEntries(pieces.map((p) => [p.name, p.secret]));
  assert.deepEqual(byName, { 'batch-0001.json': false, 'report.json': false, 'lazy-migration.ndjson': true });
});

test('bad options throw a real Error that names the option', () => {
  assert.throws(() => new Converter({ batchSize: 20000 }), (e) => e instanceof Error && /batchSize must be between 1 and 10000/.test(e.message));
  assert.throws(() => new Converter({ batchsize: 5 }), (e) => e instanceof Error && /batchsize/.test(e.message));
  assert.throws(() => new Converter({ features: ['mfa', 'linking'] }), (e) => e instanceof Error && /unknown feature 'linking'/.test(e.message));
});

test('a finished converter refuses more input with a readable Error, and still reports progress', () => {
  const c = new Converter();
  c.push(new TextEncoder().encode('id,primary_email_address\nuser_1,a@x.dev\n'));
  c.finish();
  assert.throws(() => c.push(new Uint8Array(1)), /has finished/);
  assert.throws(() => c.finish(), /has finished/);
  assert.equal(c.progress().converted, 1);
});

test('convertBytes converts a string in memory', () => {
  const { summary, files } = convertBytes('id,primary_email_address\nuser_1,a@x.dev\n');
  assert.deepEqual(summary, { records: 1, converted: 1, deferred: 0, rejected: 0, batches: 1 });
  assert.deepEqual(JSON.parse(files['batch-0001.json']), {
    users: [{ externalUserId: 'user_1', loginMethods: [{ recipeId: 'passwordless', isVerified: true, email: 'a@x.dev' }] }],
  });
});
