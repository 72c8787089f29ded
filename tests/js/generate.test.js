// The benchmark generator (bench/generate.js): deterministic, Clerk-shaped, and convertible.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { generate, CSV_HEADER } from '../../bench/generate.js';
import { cli, tempDir, readJson, batchUsers } from './helpers.js';

const N = 200;

test('the same seed gives byte-identical files; another seed does not', () => {
  const [a, b, c] = [tempDir(), tempDir(), tempDir()];
  generate({ users: N, seed: 'x', out: a });
  generate({ users: N, seed: 'x', out: b });
  generate({ users: N, seed: 'y', out: c });
  for (const f of ['users.csv', 'users.json', 'manifest.json']) {
    assert.ok(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f);
  }
  assert.ok(!readFileSync(join(a, 'users.csv')).equals(readFileSync(join(c, 'users.csv'))));
});

test('the CSV has Clerk\'s header and the Dashboard\'s quoting: TAB-prefixed quoted phones, quoted lists', () => {
  const dir = tempDir();
  generate({ users: N, seed: 1, out: dir });
  const text = readFileSync(join(dir, 'users.csv'), 'utf8');
  const lines = text.split('\n');
  assert.equal(lines[0], CSV_HEADER);
  assert.equal(lines.at(-1), '', 'LF-terminated, no CRLF');
  assert.ok(!text.includes('\r'));
  const rows = parse(text, { columns: true });
  assert.equal(rows.length, N);
  for (const row of rows) {
    assert.equal(Object.keys(row).length, 14);
    assert.match(row.id, /^user_[23][0-9A-Za-z]{26}$/);
    if (row.primary_phone_number) assert.match(row.primary_phone_number, /^\t\+\d{11,14}$/);
    if (row.password_hasher === 'bcrypt') assert.match(row.password_digest, /^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/);
    if (row.password_hasher === 'scrypt_firebase') assert.equal(row.password_digest.split('$').length, 6);
    assert.match(row.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  }
  // Raw bytes: a TAB-prefixed phone is quoted (it starts with whitespace), a list is quoted.
  assert.match(text, /,"\t\+\d+",/);
  assert.match(text, /,"[^",]+@[^",]+,[^",]+@[^",]+",/);
  assert.match(text, /,"\t[=@][^"]*",/, 'a formula-like name is TAB-prefixed and quoted');
  const hashers = new Set(rows.map((r) => r.password_hasher));
  for (const h of ['bcrypt', '', 'argon2id', 'scrypt_firebase']) assert.ok(hashers.has(h), `hasher '${h}' present`);
  assert.ok(rows.some((r) => r.primary_email_address && r.unverified_email_addresses.split(',').includes(r.primary_email_address)), 'an unverified primary');
  assert.ok(rows.some((r) => /[^\x00-\x7f]/.test(r.first_name + r.last_name)), 'non-ASCII names');
  // The JSON describes the same users, in the Backend API's snake_case shape.
  const users = JSON.parse(readFileSync(join(dir, 'users.json'), 'utf8'));
  assert.deepEqual(users.map((u) => u.id), rows.map((r) => r.id));
  const withAccount = users.find((u) => u.external_accounts.length);
  assert.match(withAccount.external_accounts[0].provider, /^oauth_/);
  assert.ok(['verified', 'unverified'].includes(users.find((u) => u.email_addresses.length).email_addresses[0].verification.status));
});

test('the generated CSV converts through the CLI, with counts that reconcile with the manifest', () => {
  const dir = tempDir();
  const m = generate({ users: N, seed: 2, out: dir, formats: ['csv'] });
  const out = tempDir();
  const r = cli(['convert', join(dir, 'users.csv'), '--out', out, '--quiet']);
  assert.equal(r.status, 0, r.stderr);
  const s = readJson(join(out, 'report.json')).summary;
  assert.equal(s.records, m.expect.records);
  assert.equal(s.records, s.converted + s.deferred + s.rejected);
  assert.equal(s.rejected, m.expect.rejected);
  assert.ok(s.deferred >= m.expect.deferredMin && s.deferred <= m.expect.deferredMax, `deferred ${s.deferred}`);
  assert.equal(batchUsers(out).length, s.converted);
  // The formula TAB is gone from every phone that reached a batch.
  const phones = batchUsers(out).flatMap((u) => u.loginMethods).filter((l) => l.phoneNumber);
  assert.ok(phones.length > 0);
  for (const p of phones) assert.match(p.phoneNumber, /^\+\d+$/);
});
