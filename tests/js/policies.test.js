// Every mapping policy, end to end through the CLI; files holding secrets are created 0600.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempDir, batchUsers, readJson, root } from './helpers.js';

const HEADER = 'id,first_name,last_name,username,primary_email_address,primary_phone_number,verified_email_addresses,unverified_email_addresses,verified_phone_numbers,unverified_phone_numbers,totp_secret,password_digest,password_hasher\n';
const vectors = JSON.parse(readFileSync(join(root, 'tests', 'vectors', 'hashes.json'), 'utf8')).vectors;
const vector = (hasher) => vectors.find((v) => v.hasher === hasher && !v.digest.startsWith('$f_scrypt'));

const dir = tempDir();
const csv = join(dir, 'users.csv');
writeFileSync(csv, HEADER + [
  `user_bcrypt,Ada,,,ada@x.dev,,ada@x.dev,,,,,${vector('bcrypt').digest},bcrypt`,
  `user_md5,Bob,,,bob@x.dev,,bob@x.dev,,,,,${vector('md5').digest},md5`,
  `user_fb,Cy,,,cy@x.dev,,cy@x.dev,,,,,${vector('scrypt_firebase').digest},scrypt_firebase`,
  'user_banned,Dee,,,dee@x.dev,,dee@x.dev,,,,,,',
  'user_acme,Eve,,,eve@x.dev,,eve@x.dev,,,,,,',
].join('\n') + '\n');
const api = join(dir, 'users.json');
writeFileSync(api, JSON.stringify([
  { id: 'user_banned', object: 'user', banned: true, email_addresses: [{ id: 'e1', email_address: 'dee@x.dev', verification: { status: 'verified' } }], primary_email_address_id: 'e1' },
  { id: 'user_acme', object: 'user', external_id: 'crm-42', email_addresses: [{ id: 'e2', email_address: 'eve@x.dev', verification: { status: 'verified' } }], primary_email_address_id: 'e2',
    public_metadata: { app: { roles: ['admin', 'editor'] } }, private_metadata: { stripe: 'cus_1' },
    external_accounts: [{ object: 'external_account', provider: 'oauth_custom_acme', provider_user_id: 'acme-7', email_address: 'eve@x.dev', verification: { status: 'verified' } }] },
]));

function convert(...flags) {
  const out = tempDir();
  const r = cli(['convert', csv, '--with-api', api, '--out', out, ...flags]);
  assert.equal(r.status, 0, r.stderr);
  const users = Object.fromEntries(batchUsers(out).map((u) => [u.externalUserId, u]));
  return { out, users, report: readJson(join(out, 'report.json')), stdout: r.stdout };
}
const mode = (path) => statSync(path).mode & 0o777;
const codes = (report, userId) => report.diagnostics.filter((d) => d.userId === userId).map((d) => d.code);

test('--unsupported-hash defer (default): md5 user goes to the 0600 lazy-migration file with its digest', () => {
  const { out, users, report } = convert();
  assert.equal(users.user_md5, undefined);
  assert.ok(codes(report, 'user_md5').includes('unsupported-hasher'));
  const lazy = join(out, 'lazy-migration.ndjson');
  assert.equal(mode(lazy), 0o600);
  assert.match(readFileSync(lazy, 'utf8'), new RegExp(vector('md5').digest));
});

test('--unsupported-hash reset: a random plainTextPassword and a reset flag, with a warning', () => {
  const { users, report } = convert('--unsupported-hash', 'reset');
  const m = users.user_md5.loginMethods[0];
  assert.equal(m.recipeId, 'emailpassword');
  assert.equal(typeof m.plainTextPassword, 'string');
  assert.ok(m.plainTextPassword.length >= 32);
  assert.equal(users.user_md5.userMetadata.clerk_password_reset_required, true);
  assert.ok(codes(report, 'user_md5').includes('password-reset-required'));
  assert.ok(!JSON.stringify(report).includes(m.plainTextPassword), 'the random password is not in the report');
});

test('--unsupported-hash reject: the md5 user is rejected', () => {
  const { users, report, out } = convert('--unsupported-hash', 'reject');
  assert.equal(users.user_md5, undefined);
  assert.equal(report.summary.deferred, 0);
  assert.ok(codes(report, 'user_md5').includes('unsupported-hasher'));
  assert.ok(!existsSync(join(out, 'lazy-migration.ndjson')));
});

test('firebase scrypt: converted for the core, signer key in a 0600 file and nowhere else', () => {
  const { out, users, report } = convert();
  const m = users.user_fb.loginMethods[0];
  assert.equal(m.hashingAlgorithm, 'firebase_scrypt');
  assert.match(m.passwordHash, /^\$f_scrypt\$.+\$m=\d+\$r=\d+\$s=/);
  const keyFile = join(out, 'firebase-signer-key.json');
  assert.equal(mode(keyFile), 0o600);
  const key = readJson(keyFile).firebase_password_hashing_signer_key;
  assert.ok(!readFileSync(join(out, 'report.json'), 'utf8').includes(key));
  assert.ok(!readFileSync(join(out, 'batch-0001.json'), 'utf8').includes(key));
  assert.ok(report.diagnostics.some((d) => d.message.includes('firebase_password_hashing_signer_key')));
});

test('--banned skip (default) and import', () => {
  const skipped = convert();
  assert.equal(skipped.users.user_banned, undefined);
  assert.ok(codes(skipped.report, 'user_banned').includes('banned-user'));
  const imported = convert('--banned', 'import');
  assert.equal(imported.users.user_banned.loginMethods[0].email, 'dee@x.dev');
});

test('--external-id external-id uses Clerk external_id, falling back to the Clerk id', () => {
  const { users } = convert('--external-id', 'external-id');
  assert.ok(users['crm-42']);
  assert.ok(users.user_bcrypt);
});

test('--provider-map, --roles-from, --include-private-metadata, account linking', () => {
  const plain = convert('--features', 'account_linking');
  const tp = plain.users.user_acme.loginMethods.find((m) => m.recipeId === 'thirdparty');
  assert.equal(tp.thirdPartyId, 'acme');
  assert.equal(plain.users.user_acme.userMetadata.private_metadata, undefined);
  const mapped = convert('--features', 'account_linking', '--provider-map', 'oauth_custom_acme=acme-sso',
    '--roles-from', 'app.roles', '--include-private-metadata');
  const u = mapped.users.user_acme;
  assert.equal(u.loginMethods.find((m) => m.recipeId === 'thirdparty').thirdPartyId, 'acme-sso');
  assert.deepEqual(u.userRoles, [{ role: 'admin', tenantIds: ['public'] }, { role: 'editor', tenantIds: ['public'] }]);
  assert.deepEqual(u.userMetadata.private_metadata, { stripe: 'cus_1' });
});

test('--tenant needs multi_tenancy, then puts every login method on the tenant', () => {
  const out = tempDir();
  const r = cli(['convert', csv, '--out', out, '--tenant', 'eu']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /multi_tenancy/);
  const { users } = convert('--features', 'multi_tenancy', '--tenant', 'eu');
  assert.deepEqual(users.user_bcrypt.loginMethods[0].tenantIds, ['eu']);
});

test('--skip-ids leaves out users already migrated', () => {
  const ids = join(tempDir(), 'migrated.txt');
  writeFileSync(ids, '# migrated by the lazy phase\nuser_bcrypt\n\nuser_acme\n');
  const { users, report } = convert('--skip-ids', ids);
  assert.equal(users.user_bcrypt, undefined);
  assert.equal(users.user_acme, undefined);
  assert.ok(codes(report, 'user_bcrypt').includes('skipped-user'));
  assert.equal(report.summary.records, report.summary.converted + report.summary.deferred + report.summary.rejected);
});
