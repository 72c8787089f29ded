// The lazy migrator (host/lazy.js) against the stand-in core: the local store (every importable hasher, a
// convertible and a lazy-only one), the Clerk client against a fake Backend API, parity with `convert`,
// concurrency, the multi-process backstop and what events carry.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { createClerkClient } from '@clerk/backend';
import { startStandin } from './standin-core.js';
import { tempDir, cli, batchUsers } from './helpers.js';
import { vector, writeDashboardCsv, bapiUser, startFakeClerk } from './lazy-helpers.js';
import { createLazyMigrator, createLegacyStore, lazyImportBody } from '../../host/index.js';

const KEY = 'lazy-key';
const HASHERS = ['bcrypt', 'argon2i', 'argon2id', 'scrypt_firebase', 'pbkdf2_sha256_django'];
const TOTP = 'JBSWY3DPEHPK3PXP';
const OPTIONS = { features: /** @type {any} */ (['mfa']) };

/** @type {Awaited<ReturnType<typeof startStandin>>} */
let standin;
/** @type {Awaited<ReturnType<typeof startFakeClerk>>} */
let clerkApi;
/** @type {string} */
let dir;
/** @type {string} */
let csv;
/** @type {Awaited<ReturnType<typeof createLegacyStore>>} */
let store;

const CLERK_USERS = [
  { user: bapiUser('user_clerk1', 'clara@x.dev'), password: 'clara-pass-1' },
  { user: bapiUser('user_clerk2', 'twin@x.dev'), password: 'twin-pass-2' },
  { user: bapiUser('user_nopw', 'nopw@x.dev', { password_enabled: false }) },
];

before(async () => {
  standin = await startStandin({ apiKey: KEY });
  clerkApi = await startFakeClerk(CLERK_USERS);
  dir = tempDir('c2s-lazy-');
  csv = join(dir, 'users.csv');
  writeDashboardCsv(csv, HASHERS, { totp: { bcrypt: TOTP } });
  store = await createLegacyStore(csv);
});

after(async () => {
  await standin.close();
  await clerkApi.close();
  rmSync(dir, { recursive: true, force: true });
});

const imports = () => standin.countRequests('POST', '/bulk-import/import');

test('the local store reads the export and verifies every kind of hasher', () => {
  assert.equal(store.size, HASHERS.length);
  for (const h of HASHERS) {
    const u = store.findByEmail(`${h.toUpperCase()}@X.dev`);
    assert.equal(u.id, `user_${h}`);
    assert.equal(store.verifyPassword(u, vector(h).password), true, h);
    assert.equal(store.verifyPassword(u, vector(h).wrongPassword), false, h);
  }
});

test('store source: wrong password is not imported; right password imports the lazyImportBody; the second time is served by SuperTokens', async () => {
  const migrator = createLazyMigrator({ core: standin.url, apiKey: KEY, store, options: OPTIONS });
  for (const h of HASHERS) {
    const email = `${h}@x.dev`;
    const v = vector(h);
    const before = imports();
    const wrong = await migrator.signIn(email, v.wrongPassword);
    assert.equal(wrong.status, 'wrong-password', h);
    assert.equal(imports(), before, `${h}: nothing imported on a wrong password`);

    const ok = await migrator.signIn(email, v.password);
    assert.equal(ok.status, 'migrated', `${h}: ${JSON.stringify(ok)}`);
    assert.equal(ok.source, 'store');
    assert.equal(ok.clerkUserId, `user_${h}`);
    assert.equal(ok.user.id, `user_${h}`, 'the core user carries the Clerk id as its (external) id');
    assert.equal(imports(), before + 1);
    const expected = lazyImportBody(store.findByEmail(email), v.password, OPTIONS).user;
    assert.deepEqual(standin.state.importBodies.at(-1), expected);
    assert.equal(expected.externalUserId, `user_${h}`);
    const lm = /** @type {any} */ (expected.loginMethods)[0];
    if (['bcrypt', 'argon2i', 'argon2id'].includes(h)) {
      assert.equal(lm.passwordHash, v.digest, `${h}: the digest as exported`);
      assert.equal(lm.hashingAlgorithm, h === 'bcrypt' ? 'bcrypt' : 'argon2');
      assert.equal(lm.plainTextPassword, undefined, `${h}: the core verifies the digest itself`);
    } else {
      assert.equal(lm.plainTextPassword, v.password, `${h}: imported with the proven password`);
    }

    const again = await migrator.signIn(email, v.password);
    assert.deepEqual([again.status, again.reason], ['not-legacy', 'already-migrated']);
    assert.equal(imports(), before + 1, `${h}: no second import`);
  }
  const bcryptBody = standin.state.importBodies.find((b) => b.externalUserId === 'user_bcrypt');
  assert.deepEqual(bcryptBody.totpDevices.map((/** @type {any} */ d) => d.secretKey), [TOTP], 'the TOTP device comes along with mfa');
});

test('clerk source: genuine @clerk/backend User objects, verify_password, one import, then SuperTokens', async () => {
  const clerk = createClerkClient({ secretKey: 'sk_test_x', apiUrl: clerkApi.url });
  const migrator = createLazyMigrator({ core: standin.url, apiKey: KEY, clerk, options: OPTIONS });
  const before = imports();
  assert.equal((await migrator.signIn('clara@x.dev', 'nope')).status, 'wrong-password');
  assert.equal(clerkApi.count('POST', /verify_password$/), 1);
  assert.equal(imports(), before);

  const ok = await migrator.signIn('Clara@X.dev', 'clara-pass-1');
  assert.equal(ok.status, 'migrated', JSON.stringify(ok));
  assert.equal(ok.source, 'clerk');
  assert.equal(ok.clerkUserId, 'user_clerk1');
  assert.equal(imports(), before + 1);
  const body = standin.state.importBodies.at(-1);
  // the raw Backend API JSON and the SDK's User object convert to the same body
  assert.deepEqual(body, lazyImportBody(CLERK_USERS[0].user, 'clara-pass-1', OPTIONS).user);
  const sdkUser = (await clerk.users.getUserList({ emailAddress: ['clara@x.dev'] })).data[0];
  assert.equal(typeof sdkUser.primaryEmailAddressId, 'string', 'a camelCase SDK User');
  assert.deepEqual(body, lazyImportBody(sdkUser, 'clara-pass-1', OPTIONS).user);
  assert.equal(body.externalUserId, 'user_clerk1');
  assert.equal(body.loginMethods[0].plainTextPassword, 'clara-pass-1', 'Clerk never gives digests: the proven password');
  assert.equal(body.loginMethods[0].isVerified, true);

  const verifies = clerkApi.count('POST', /verify_password$/);
  const again = await migrator.signIn('clara@x.dev', 'clara-pass-1');
  assert.deepEqual([again.status, again.reason], ['not-legacy', 'already-migrated']);
  assert.equal(imports(), before + 1);
  assert.equal(clerkApi.count('POST', /verify_password$/), verifies, 'a migrated user costs no Clerk password check');

  assert.deepEqual([(await migrator.signIn('nopw@x.dev', 'x')).status], ['wrong-password']);
  assert.equal((await migrator.signIn('stranger@x.dev', 'x')).status, 'not-legacy');
  assert.deepEqual(await migrator.lookup('twin@x.dev'), { status: 'legacy', source: 'clerk', clerkUserId: 'user_clerk2' });
  assert.deepEqual(await migrator.lookup('clara@x.dev'), { status: 'migrated', source: 'clerk', clerkUserId: 'user_clerk1' });
});

test('the lazy path and convert give the identical SuperTokens user (bcrypt)', async () => {
  const out = join(dir, 'out');
  const r = cli(['convert', csv, '--out', out, '--features', 'mfa']);
  assert.equal(r.status, 0, r.stderr);
  const bulk = batchUsers(out).find((u) => u.externalUserId === 'user_bcrypt');
  const lazy = standin.state.importBodies.find((b) => b.externalUserId === 'user_bcrypt');
  assert.ok(bulk && lazy);
  assert.deepEqual(lazy, bulk);
});

test('two simultaneous sign-ins of one user import once', async () => {
  standin.state.latencyMs = [80, 80];
  standin.state.latencyPaths = ['POST /bulk-import/import'];
  try {
    const clerk = createClerkClient({ secretKey: 'sk_test_x', apiUrl: clerkApi.url });
    const migrator = createLazyMigrator({ core: standin.url, apiKey: KEY, clerk });
    const before = imports();
    const results = await Promise.all([migrator.signIn('twin@x.dev', 'twin-pass-2'), migrator.signIn('TWIN@x.dev', 'twin-pass-2')]);
    assert.deepEqual(results.map((x) => x.status).sort(), ['migrated', 'not-legacy']);
    assert.equal(results.find((x) => x.status === 'not-legacy')?.reason, 'already-migrated');
    assert.equal(imports(), before + 1, 'exactly one POST /bulk-import/import');
  } finally {
    standin.state.latencyMs = [0, 0];
    standin.state.latencyPaths = [];
  }
});

test('across processes (no shared lock) the core\'s externalUserId uniqueness is the backstop: the loser reports already-migrated', async () => {
  const csv2 = join(dir, 'race.csv');
  writeDashboardCsv(csv2, ['md5']);
  const s = await createLegacyStore(csv2);
  // Two migrators = two Node processes. Both pass the mapping check before either imports.
  standin.state.latencyMs = [80, 80];
  standin.state.latencyPaths = ['POST /bulk-import/import'];
  try {
    const a = createLazyMigrator({ core: standin.url, apiKey: KEY, store: s });
    const b = createLazyMigrator({ core: standin.url, apiKey: KEY, store: s });
    const before = imports();
    const results = await Promise.all([a.signIn('md5@x.dev', vector('md5').password), b.signIn('md5@x.dev', vector('md5').password)]);
    assert.deepEqual(results.map((x) => x.status).sort(), ['migrated', 'not-legacy']);
    assert.equal(results.find((x) => x.status === 'not-legacy')?.reason, 'already-migrated');
    assert.equal(imports(), before + 2, 'both asked; the core refused the second (E031)');
    assert.equal(standin.state.importBodies.filter((x) => x.externalUserId === 'user_md5').length, 1);
  } finally {
    standin.state.latencyMs = [0, 0];
    standin.state.latencyPaths = [];
  }
});

test('events carry status, duration and source, never the password, digest or email', async () => {
  const csv3 = join(dir, 'events.csv');
  writeDashboardCsv(csv3, ['sha256', 'md5_salted']);
  const s = await createLegacyStore(csv3);
  /** @type {any[]} */
  const seen = [];
  const clerk = createClerkClient({ secretKey: 'sk_test_x', apiUrl: clerkApi.url });
  const migrator = createLazyMigrator({ core: standin.url, apiKey: KEY, store: s, clerk, onEvent: (e) => seen.push(e) });
  /** @type {any[]} */
  const emitted = [];
  migrator.on('outcome', (e) => emitted.push(e));
  standin.state.rejectUser = (u) => (u.externalUserId === 'user_md5_salted' ? [`E003: A user with email md5_salted@x.dev already exists in emailpassword loginMethod.`] : null);
  try {
    const results = [
      await migrator.signIn('sha256@x.dev', vector('sha256').wrongPassword),
      await migrator.signIn('sha256@x.dev', vector('sha256').password),
      await migrator.signIn('md5_salted@x.dev', vector('md5_salted').password),
      await migrator.signIn('nobody@x.dev', 'whatever-pass'),
    ];
    assert.deepEqual(results.map((r) => r.status), ['wrong-password', 'migrated', 'failed', 'not-legacy']);
    assert.equal(results[2].reason, 'import-rejected');
    assert.deepEqual(emitted, seen, 'onEvent and the EventEmitter see the same events');
    assert.equal(seen.length, 4);
    for (const e of seen) {
      assert.ok(typeof e.durationMs === 'number' && e.durationMs >= 0);
      assert.ok(['store', 'clerk'].includes(e.source));
      assert.deepEqual(Object.keys(e).filter((k) => !['status', 'durationMs', 'source', 'clerkUserId', 'reason'].includes(k)), []);
    }
    assert.deepEqual(seen.map((e) => [e.status, e.source, e.clerkUserId]), [
      ['wrong-password', 'store', 'user_sha256'], ['migrated', 'store', 'user_sha256'],
      ['failed', 'store', 'user_md5_salted'], ['not-legacy', 'clerk', undefined]]);
    const text = JSON.stringify(seen) + JSON.stringify(results.filter((r) => r.status !== 'migrated'));
    for (const secret of ['sha256@x.dev', 'md5_salted@x.dev', 'nobody@x.dev', vector('sha256').password, vector('sha256').wrongPassword,
      vector('sha256').digest, vector('md5_salted').password, vector('md5_salted').digest, 'whatever-pass']) {
      assert.ok(!text.toLowerCase().includes(secret.toLowerCase()), `leaked: ${secret}`);
    }
  } finally {
    standin.state.rejectUser = () => null;
  }
});
