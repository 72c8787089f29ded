// Required outcome 5: submit refuses to start against a core lacking a needed feature or role and names the
// fix; undo leaves the core without any user of the run (some still queued, some imported). Also the
// requirements scan, importUser and fetchCoreContext.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { startStandin } from './standin-core.js';
import { tempDir, removeDir, writeBatches, captureIO, smallUser } from './submit-helpers.js';
import { requirementsOf, checkRequirements, importUser, fetchCoreContext, submit } from '../../host/api-submit.js';
import * as submitCmd from '../../host/cli/submit.js';
import * as undoCmd from '../../host/cli/undo.js';

const KEY = 'req-undo-key';
/** @type {Awaited<ReturnType<typeof startStandin>>} */
let standin;
/** @type {string[]} */
const dirs = [];
const newDir = async (/** @type {string} */ p) => { const d = await tempDir(p); dirs.push(d); return d; };

before(async () => { standin = await startStandin({ apiKey: KEY }); });
after(async () => {
  await standin.close();
  for (const d of dirs) await removeDir(d);
});

/** A user needing mfa, account linking, tenant t1 and role admin. @param {number} n */
function demanding(n) {
  return {
    externalUserId: `d_${n}`,
    userRoles: [{ role: ' admin ', tenantIds: ['public'] }],
    ...(n % 2 === 0 ? { totpDevices: [{ secretKey: 'JBSWY3DPEHPK3PXP', deviceName: 'TOTP Device 0' }] } : {}),
    loginMethods: [
      { recipeId: 'emailpassword', email: `d${n}@x.y`, passwordHash: '$2a', hashingAlgorithm: 'bcrypt', isPrimary: true, tenantIds: ['public', 'T1'] },
      { recipeId: 'thirdparty', email: `d${n}@x.y`, thirdPartyId: 'google', thirdPartyUserId: `g${n}` },
    ],
  };
}

test('requirementsOf counts what users need', () => {
  const req = requirementsOf([demanding(0), demanding(1), smallUser(2),
    { loginMethods: [{ recipeId: 'emailpassword', email: 'f@x.y', passwordHash: '$f_scrypt$a$b$m=14$r=8$s=Bw==', hashingAlgorithm: ' Firebase_Scrypt ' }] },
    { loginMethods: [{ recipeId: 'passwordless', email: 'p@x.y', isPrimary: true }], totpDevices: [] }]);
  assert.deepEqual(req, {
    users: 5, totpUsers: 2, linkingUsers: 3, tenantUsers: 2, tenants: { t1: 2 }, roles: { admin: 2 }, firebaseUsers: 1,
  });
  const problems = checkRequirements(req, { features: [], roles: [], tenants: ['public'] }).map((p) => p.message);
  assert.deepEqual(problems.slice(0, 3), [
    'enable the mfa feature (needed by 2 users with TOTP devices)',
    'enable the account_linking feature (needed by 3 users with several login methods or isPrimary)',
    'enable the multi_tenancy feature (needed by 2 users on tenants other than public)',
  ]);
  assert.equal(problems[3], 'create tenant t1 (needed by 2 users): PUT /recipe/multitenancy/tenant/v2 with {"tenantId":"t1"}');
  assert.equal(problems[4], 'create role admin (needed by 2 users): PUT /recipe/role with {"role":"admin","permissions":[]}');
  assert.match(problems[5], /firebase_password_hashing_signer_key .*--firebase-signer-key-set/);
  assert.deepEqual(checkRequirements(req, { features: ['mfa', 'account_linking', 'multi_tenancy'], roles: ['admin'], tenants: ['public', 't1'] },
    { firebaseSignerKeySet: true }), []);
});

test('submit refuses to start against a core lacking a feature or role, names the fix, sends nothing', async () => {
  const dir = await newDir('req');
  await writeBatches(dir, 2, 60, demanding);
  standin.state.features = ['account_linking', 'multi_tenancy'];
  standin.state.roles = [];
  standin.state.tenants = ['public', 't1'];
  standin.state.requests = [];
  const c = captureIO({ SUPERTOKENS_API_KEY: KEY });
  assert.equal(await submitCmd.run([dir, '--core', standin.url], c.io), 1);
  assert.match(c.stderr(), /not ready for these users; nothing was sent/);
  assert.match(c.stderr(), /enable the mfa feature \(needed by 60 users with TOTP devices\)/);
  assert.match(c.stderr(), /create role admin \(needed by 120 users\): PUT \/recipe\/role with \{"role":"admin","permissions":\[\]\}/);
  assert.doesNotMatch(c.stderr(), /account_linking|tenant t1/);
  assert.equal(standin.countRequests('POST', '/bulk-import/users'), 0);
  assert.deepEqual((await readdir(dir)).filter((f) => f.startsWith('submit-')), [], 'no checkpoint either');

  // Fixed on the core: the same command now goes through.
  standin.state.features.push('mfa');
  standin.state.roles = ['admin'];
  const ok = captureIO({ SUPERTOKENS_API_KEY: KEY });
  assert.equal(await submitCmd.run([dir, '--core', standin.url, '--quiet'], ok.io), 0, ok.stderr());
  assert.equal(standin.countRequests('POST', '/bulk-import/users'), 2);
});

test('firebase_scrypt hashes need --firebase-signer-key-set', async () => {
  const dir = await newDir('fb');
  await writeBatches(dir, 1, 3, (n) => ({ externalUserId: `fb_${n}`, loginMethods: [{ recipeId: 'emailpassword', email: `f${n}@x.y`,
    passwordHash: '$f_scrypt$aGFzaA==$c2FsdA==$m=14$r=8$s=Bw==', hashingAlgorithm: 'firebase_scrypt' }] }));
  const c = captureIO({ SUPERTOKENS_API_KEY: KEY });
  assert.equal(await submitCmd.run([dir, '--core', standin.url], c.io), 1);
  assert.match(c.stderr(), /3 users have firebase_scrypt password hashes: configure the core with firebase_password_hashing_signer_key/);
  const ok = captureIO({ SUPERTOKENS_API_KEY: KEY });
  assert.equal(await submitCmd.run([dir, '--core', standin.url, '--firebase-signer-key-set', '--quiet'], ok.io), 0, ok.stderr());
});

test('undo removes every user of the run, queued or imported, and nothing else', async () => {
  standin.state.rows = [];
  standin.state.users.clear();
  standin.state.mappings.clear();
  // Users that are not this run's: one queued, one imported.
  const other = await newDir('other');
  await writeBatches(other, 1, 2, (n) => ({ externalUserId: `other_${n}`, loginMethods: [{ recipeId: 'passwordless', email: `o${n}@x.y` }] }));
  await submit(other, { core: standin.url, apiKey: KEY });
  standin.state.processUser = (r) => (r.externalUserId === 'other_0' ? null : false);
  standin.process();

  const dir = await newDir('undo');
  // 3 batches of 400; every 7th user has no externalUserId (found through the row id the core returned).
  await writeBatches(dir, 3, 400, (n) => (n % 7 === 3
    ? { loginMethods: [{ recipeId: 'passwordless', email: `noext${n}@x.y` }] }
    : smallUser(n)));
  const result = await submit(dir, { core: standin.url, apiKey: KEY });
  assert.equal(result.staged, 1200);
  // The cron imports about half, fails some, leaves the rest queued.
  let k = 0;
  standin.state.processUser = (r) => {
    if (r.externalUserId?.startsWith('other_')) return false;
    k++;
    return k % 2 === 0 ? null : k % 3 === 0 ? 'E003: A user with email … already exists in emailpassword loginMethod.' : false;
  };
  standin.process();
  const imported = standin.state.users.size;
  assert.ok(imported > 500, `some imported (${imported})`);
  assert.ok(standin.state.rows.some((r) => r.status === 'FAILED') && standin.state.rows.some((r) => r.status === 'NEW'));

  const c = captureIO({ SUPERTOKENS_API_KEY: KEY });
  assert.equal(await undoCmd.run([dir, '--core', standin.url, '--yes'], c.io), 0, c.stderr());
  assert.match(c.stdout(), /removed \d+ queued and \d+ imported user\(s\) of 1200/);
  assert.deepEqual(standin.state.rows.map((r) => r.externalUserId), ['other_1'], 'only the other run\'s queued row is left');
  assert.deepEqual([...standin.state.users.values()].map((u) => u.externalUserId), ['other_0'], 'only the other run\'s user is left');
  assert.deepEqual([...standin.state.mappings.keys()], ['other_0']);
  assert.ok((await readdir(dir)).some((f) => /^submit-checkpoint\.undone-\d+\.json$/.test(f)));
});

test('undo asks on a terminal and does nothing unless told yes', async () => {
  const dir = await newDir('ask');
  await writeBatches(dir, 1, 5, (n) => smallUser(9000 + n));
  await submit(dir, { core: standin.url, apiKey: KEY });
  const rows = standin.state.rows.length;
  const { Readable } = await import('node:stream');
  const c = captureIO({ SUPERTOKENS_API_KEY: KEY });
  const stdin = Object.assign(Readable.from(['no\n']), { isTTY: true });
  const io = { ...c.io, isTTY: true, stdin };
  assert.equal(await undoCmd.run([dir, '--core', standin.url], io), 1);
  assert.match(c.stderr(), /Delete the 5 user\(s\) staged from .* Type "yes" to continue/);
  assert.match(c.stderr(), /cancelled: nothing was removed/);
  assert.equal(standin.state.rows.length, rows);
  const stdin2 = Object.assign(Readable.from(['yes\n']), { isTTY: true });
  assert.equal(await undoCmd.run([dir, '--core', standin.url], { ...c.io, isTTY: true, stdin: stdin2 }), 0);
  assert.equal(standin.state.rows.length, rows - 5);
});

test('importUser returns the core user on 200 and throws with the core errors on 400', async () => {
  const user = await importUser(smallUser(777), { core: standin.url, apiKey: KEY });
  assert.equal(user.id, 'user_0000777');
  await assert.rejects(importUser(smallUser(777), { core: standin.url, apiKey: KEY }), (/** @type {any} */ e) =>
    e instanceof Error && e.code === 'ERR_IMPORT_REJECTED' && e.errors[0] === 'E031: A user with externalId user_0000777 already exists');
  standin.state.rejectUser = () => ['loginMethods is required.'];
  await assert.rejects(importUser({}, { core: standin.url, apiKey: KEY }), (/** @type {any} */ e) =>
    e.errors.length === 1 && /loginMethods is required\./.test(e.message));
  standin.state.rejectUser = () => null;
});

test('fetchCoreContext reads features, roles and tenants', async () => {
  standin.state.features = ['mfa'];
  standin.state.roles = ['admin', 'viewer'];
  standin.state.tenants = ['public', 't1'];
  assert.deepEqual(await fetchCoreContext({ core: standin.url, apiKey: KEY }),
    { features: ['mfa'], roles: ['admin', 'viewer'], tenants: ['public', 't1'] });
});
