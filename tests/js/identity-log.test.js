// convertFile keeps the converter's identity log on disk (host/identity-log.js): its files
// must be byte for byte those of a conversion that keeps the log in wasm memory, and the log
// must not outlive the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { convertFile, convertBytes } from '../../host/index.js';
import { generate } from '../../bench/generate.js';
import { IdentityLogFile } from '../../host/identity-log.js';
import { tempDir } from './helpers.js';

const dir = tempDir();
generate({ users: 2000, seed: 'identity-log', out: dir, formats: ['csv'] });
// Repeat a few rows: duplicate Clerk ids (rejected) and their emails (conflicts).
const lines = readFileSync(join(dir, 'users.csv'), 'utf8').split('\n');
const input = join(dir, 'with-repeats.csv');
writeFileSync(input, [...lines.slice(0, -1), lines[5], lines[700], lines[1999], ''].join('\n'));

test('convertFile with the log on disk writes what an in-memory conversion writes', async () => {
  const options = { nowMs: 1.8e12, batchSize: 300 };
  const out = join(dir, 'out');
  const { summary, files } = await convertFile(input, { ...options, out });
  const inMemory = convertBytes(readFileSync(input), options);
  assert.deepEqual(summary, inMemory.summary);
  assert.equal(summary.rejected >= 3, true);
  assert.deepEqual(files.map((f) => f.name).sort(), Object.keys(inMemory.files).sort());
  for (const f of files) assert.equal(readFileSync(f.path, 'utf8'), inMemory.files[f.name], f.name);
  const report = JSON.parse(inMemory.files['report.json']);
  assert.equal(report.diagnostics.filter((d) => d.code === 'duplicate-id').length, 3);
  assert.deepEqual(readdirSync(out).filter((n) => n.startsWith('.')), [], 'the identity log is removed');
});

test('the log file replays exactly what was appended, in chunks, and refuses a short file', () => {
  const log = new IdentityLogFile(join(dir, 'log.tmp'));
  const bytes = Uint8Array.from({ length: 3 * (1 << 20) + 5 }, (_, i) => i % 251);
  log.append(bytes.subarray(0, 100));
  log.append(bytes.subarray(100));
  const back = [];
  log.replay((chunk) => back.push(Buffer.from(chunk)));
  assert.equal(back.length, 4);
  assert.deepEqual(new Uint8Array(Buffer.concat(back)), bytes);
  log.size += 10; // pretend more was written than the file holds
  assert.throws(() => log.replay(() => {}), /ended early/);
  log.remove();
  log.remove();
  assert.equal(readdirSync(dir).includes('log.tmp'), false);
});
