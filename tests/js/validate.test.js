// `validate` reproduces the core's response bodies for the spec's examples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempDir } from './helpers.js';
import { validateBulkImport } from '../../host/index.js';

const ERROR = 'Data has missing or invalid fields. Please check the users field for more details.';

function validate(body, flags = []) {
  const file = join(tempDir(), 'body.json');
  writeFileSync(file, typeof body === 'string' ? body : JSON.stringify(body));
  const r = cli(['validate', file, ...flags]);
  let json;
  try { json = JSON.parse(r.stdout); } catch { json = undefined; }
  return { ...r, json };
}

test('spec §4.6: type errors, in the core order, with a misspelt key ignored', () => {
  const r = validate({ users: [{ externalUserId: [], userMetaData: [], userRoles: {}, totpDevices: {} }] });
  assert.equal(r.status, 1);
  assert.deepEqual(r.json, { error: ERROR, users: [{ index: 0, errors: ['externalUserId should be of type string.', 'userRoles should be of type array of object.', 'totpDevices should be of type array of object.', 'loginMethods is required.'] }] });
});

test('spec §4.6: externalUserId uniqueness across the request', () => {
  const r = validate({ users: [{ externalUserId: 'id1' }, { externalUserId: 'id1' }] });
  assert.deepEqual(r.json.users, [
    { index: 0, errors: ['loginMethods is required.'] },
    { index: 1, errors: ['loginMethods is required.', 'externalUserId id1 is not unique. It is already used by another user.'] },
  ]);
});

test('spec §4.6: TOTP devices without mfa, with the context given as flags', () => {
  const r = validate({ users: [{ totpDevices: [{ secret: 'secret' }] }] }, ['--features', '']);
  assert.deepEqual(r.json.users[0].errors, ['MFA must be enabled to import totp devices.', 'loginMethods is required.']);
});

test('spec §4.6: login-method type errors', () => {
  const r = validate({ users: [{ loginMethods: [{ recipeId: [], tenantIds: {}, isPrimary: [], isVerified: [], timeJoinedInMSSinceEpoch: [] }] }] });
  assert.deepEqual(r.json.users[0].errors, [
    'recipeId should be of type string for a loginMethod.',
    'tenantIds should be of type array of string for a loginMethod.',
    'isVerified should be of type boolean for a loginMethod.',
    'isPrimary should be of type boolean for a loginMethod.',
    'timeJoinedInMSSinceEpoch should be of type integer for a loginMethod',
  ]);
});

test('spec §4.6: roles and tenants unknown to the core', () => {
  const tenants = ['public', 't1'];
  const user = {
    userRoles: [{ role: 'role1', tenantIds: tenants }, { role: 'role2', tenantIds: tenants }],
    loginMethods: [
      { recipeId: 'emailpassword', email: 'a@b.c', plainTextPassword: 'x', tenantIds: tenants },
      { recipeId: 'thirdparty', email: 'a@b.c', thirdPartyId: 'google', thirdPartyUserId: '1', tenantIds: tenants },
      { recipeId: 'passwordless', email: 'a@b.c', tenantIds: tenants },
    ],
  };
  const r = validate({ users: [user] }, ['--features', 'multi_tenancy,mfa,account_linking', '--roles', '', '--tenants', 'public']);
  assert.deepEqual(r.json.users[0].errors, [
    'Role role1 does not exist.', 'Invalid tenantId: t1 for a user role.', 'Role role2 does not exist.', 'Invalid tenantId: t1 for a user role.',
    'Invalid tenantId: t1 for emailpassword recipe.', 'Invalid tenantId: t1 for thirdparty recipe.', 'Invalid tenantId: t1 for passwordless recipe.',
  ]);
});

test('request-level bodies: users missing, too many, empty list, not JSON', () => {
  assert.equal(validate({}).stdout, "Field name 'users' is invalid in JSON input\n");
  const many = validate({ users: Array.from({ length: 10001 }, () => ({})) });
  assert.deepEqual(many.json, { error: 'You can only add 10000 users at a time.' });
  const empty = validate({ users: [] });
  assert.equal(empty.status, 0);
  assert.deepEqual(empty.json, { status: 'OK' });
  const notJson = cli(['validate', (() => { const f = join(tempDir(), 'x.json'); writeFileSync(f, 'nope'); return f; })()]);
  assert.equal(notJson.stdout, 'Invalid Json Input\n');
  assert.equal(notJson.status, 1);
});

test('a valid minimal user is accepted; the Node API gives the same verdict', () => {
  const body = { users: [{ loginMethods: [{ recipeId: 'passwordless', email: 'a@b.c' }] }] };
  assert.deepEqual(validate(body).json, { status: 'OK' });
  const v = validateBulkImport(body, { features: [] });
  assert.equal(v.status, 200);
  assert.deepEqual(v.users, [{ errors: [], coreWouldCrash: false }]);
});

test('a role without a name would crash the core: reported with its 500 text', () => {
  const r = cli(['validate', (() => { const f = join(tempDir(), 'r.json'); writeFileSync(f, JSON.stringify({ users: [{ userRoles: [{ tenantIds: [] }], loginMethods: [{ recipeId: 'passwordless', email: 'a@b.c' }] }] })); return f; })()]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /java\.lang\.NullPointerException/);
  assert.match(r.stderr, /HTTP 500/);
});

test('bad context flags are usage errors', () => {
  const f = join(tempDir(), 'b.json');
  writeFileSync(f, '{"users":[]}');
  assert.equal(cli(['validate', f, '--firebase-signer-key-set', 'maybe']).status, 2);
  assert.equal(cli(['validate', f, '--tenant-pool', 'nopool']).status, 2);
});

test('--core reads features, roles and tenants from a live core', async () => {
  const { startStandin } = await import('./standin-core.js');
  const standin = await startStandin({ apiKey: 'k-123456789', features: ['mfa'], roles: ['admin'] });
  try {
    const f = join(tempDir(), 'body.json');
    writeFileSync(f, JSON.stringify({ users: [{ userRoles: [{ role: 'editor', tenantIds: ['public'] }], loginMethods: [{ recipeId: 'passwordless', email: 'a@b.c' }] }] }));
    const { spawn } = await import('node:child_process');
    const r = await new Promise((resolve) => {
      const child = spawn(process.execPath, ['host/cli.js', 'validate', f, '--core', standin.url], { env: { ...process.env, SUPERTOKENS_API_KEY: 'k-123456789' } });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => { out += d; });
      child.stderr.on('data', (d) => { err += d; });
      child.on('close', (status) => resolve({ status, out, err }));
    });
    assert.equal(r.status, 1, r.err);
    assert.deepEqual(JSON.parse(r.out).users[0].errors, ['Role editor does not exist.']);
    assert.ok(!r.out.includes('k-123456789') && !r.err.includes('k-123456789'));
  } finally {
    await standin.close();
  }
});
