// The CLI end to end on the shared samples and the bundled example.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, sample, samples, tempDir, batchUsers, readJson, root } from './helpers.js';

const BCRYPT_OR_ARGON = /^(\$2[abxy]|\$argon2(id|i|d))/;

/** The structural rules of spec/supertokens-bulk-import.md every batch must meet. */
function assertStructurallyValid(dir) {
  for (const name of readdirSync(dir).filter((n) => n.startsWith('batch-'))) {
    const text = readFileSync(join(dir, name), 'utf8');
    assert.ok(!/\bnull\b/.test(text), `${name} contains null`);
    const { users } = JSON.parse(text);
    assert.ok(users.length >= 1 && users.length <= 10000, `${name} has ${users.length} users`);
    for (const u of users) {
      assert.ok(u.loginMethods.length >= 1);
      for (const m of u.loginMethods) {
        assert.ok(['emailpassword', 'thirdparty', 'passwordless'].includes(m.recipeId), `recipeId ${m.recipeId}`);
        if (m.passwordHash !== undefined) assert.match(m.passwordHash, BCRYPT_OR_ARGON);
        for (const v of Object.values(m)) if (typeof v === 'string') assert.ok(v.trim() !== '', 'blank string');
      }
    }
  }
}

test('the synthetic Dashboard export converts: TAB-free phones, unverified primary, counts reconcile', () => {
  const out = tempDir();
  const r = cli(['convert', sample('dashboard-export.SYNTHETIC.csv'), '--out', out, '--features', 'account_linking,mfa']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /4 records: 3 converted, 1 deferred, 0 rejected/);
  const report = readJson(join(out, 'report.json'));
  const s = report.summary;
  assert.equal(s.records, s.converted + s.deferred + s.rejected);
  const users = batchUsers(out);
  const phones = users.flatMap((u) => u.loginMethods).filter((m) => m.phoneNumber);
  assert.deepEqual(phones.map((m) => [m.phoneNumber, m.isVerified]), [['+15555550100', true]]);
  const eve = users.find((u) => u.externalUserId === 'user_2cWszPHuo6P2lCdnhhZbVMfbAIC');
  assert.equal(eve.loginMethods[0].email, 'eve@example.com');
  assert.equal(eve.loginMethods[0].isVerified, false);
  assertStructurallyValid(out);
});

test('every shared sample converts, and every record is accounted for', () => {
  for (const name of readdirSync(samples).filter((n) => n.endsWith('.csv'))) {
    const out = tempDir();
    const r = cli(['convert', sample(name), '--out', out]);
    assert.equal(r.status, 0, `${name}: ${r.stderr}`);
    const s = readJson(join(out, 'report.json')).summary;
    assert.equal(s.records, s.converted + s.deferred + s.rejected, name);
    assert.ok(s.records > 0, name);
    assertStructurallyValid(out);
  }
});

test('the bundled example converts, and files holding digests are created 0600', () => {
  const out = tempDir();
  const r = cli(['convert', join(root, 'examples', 'clerk-dashboard-export.csv'), '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(statSync(join(out, 'lazy-migration.ndjson')).mode & 0o777, 0o600);
  assert.equal(statSync(join(out, 'report.json')).mode & 0o077, 0o044 & statSync(join(out, 'report.json')).mode);
  const report = readFileSync(join(out, 'report.json'), 'utf8');
  for (const secret of ['pbkdf2_sha256$260000', '5f4dcc3b5aa765d61d8327deb882cf99', 'JBSWY3DPEHPK3PXP', 'U4C0ZY8OG8y41F9']) {
    assert.ok(!report.includes(secret), `report leaks ${secret}`);
    assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), `output leaks ${secret}`);
  }
  assertStructurallyValid(out);
});

test('--batch-size splits batches; a second run replaces stale batches', () => {
  const out = tempDir();
  assert.equal(cli(['convert', sample('clerk-migration-tool__samples__clerk.csv'), '--out', out, '--batch-size', '10']).status, 0);
  const first = readdirSync(out).filter((n) => n.startsWith('batch-'));
  assert.equal(first.length, 7);
  assert.equal(cli(['convert', sample('clerk-migration-tool__samples__clerk.csv'), '--out', out, '--batch-size', '40']).status, 0);
  assert.deepEqual(readdirSync(out).filter((n) => n.startsWith('batch-')), ['batch-0001.json', 'batch-0002.json']);
});

test('errors: missing file, bad arguments, unknown command; --help documents every option', () => {
  const missing = cli(['convert', '/nonexistent/users.csv', '--out', tempDir()]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /cannot read \/nonexistent\/users.csv: no such file/);
  assert.equal(missing.stderr.trim().split('\n').length, 1);
  assert.equal(cli(['convert', sample('dashboard-export.SYNTHETIC.csv')]).status, 2);
  assert.equal(cli(['convert', sample('dashboard-export.SYNTHETIC.csv'), '--out', tempDir(), '--batch-size', 'ten']).status, 2);
  assert.equal(cli(['convert', sample('dashboard-export.SYNTHETIC.csv'), '--out', tempDir(), '--features', 'mfa,sso']).status, 2);
  assert.equal(cli(['convert', sample('dashboard-export.SYNTHETIC.csv'), '--out', tempDir(), '--bogus']).status, 2);
  assert.equal(cli(['frobnicate']).status, 2);
  const help = cli(['convert', '--help']);
  assert.equal(help.status, 0);
  for (const flag of ['--out', '--batch-size', '--features', '--tenant', '--unsupported-hash', '--external-id', '--provider-map', '--roles-from', '--include-private-metadata', '--banned', '--input-format', '--legacy-verified', '--quiet']) {
    assert.ok(help.stdout.includes(flag), `help lacks ${flag}`);
  }
});
