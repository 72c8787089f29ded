// The Express example (examples/lazy-migration-express) with supertokens-node 24 against the stand-in core:
// the signInPOST override migrates a legacy user (local store and Clerk), the second sign-in goes through the
// original signInPOST, and signUpPOST refuses a legacy email that is not migrated yet.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { createClerkClient } from '@clerk/backend';
import { startStandin } from './standin-core.js';
import { tempDir } from './helpers.js';
import { vector, writeDashboardCsv, bapiUser, startFakeClerk } from './lazy-helpers.js';
import { createLazyMigrator, createLegacyStore, lazyImportBody } from '../../host/index.js';
import { createApp } from '../../examples/lazy-migration-express/app.js';

const KEY = 'express-key';
/** @type {Awaited<ReturnType<typeof startStandin>>} */
let standin;
/** @type {Awaited<ReturnType<typeof startFakeClerk>>} */
let clerkApi;
/** @type {import('node:http').Server} */
let server;
/** @type {string} */
let base;
/** @type {string} */
let dir;
/** @type {Awaited<ReturnType<typeof createLegacyStore>>} */
let store;
/** @type {any[]} */
const events = [];
const CLERK_USER = bapiUser('user_clerkonly', 'carol@x.dev');

before(async () => {
  standin = await startStandin({ apiKey: KEY });
  clerkApi = await startFakeClerk([{ user: CLERK_USER, password: 'carol-pass' }]);
  dir = tempDir('c2s-lazy-express-');
  writeDashboardCsv(join(dir, 'users.csv'), ['bcrypt', 'pbkdf2_sha256_django', 'argon2id']);
  store = await createLegacyStore(join(dir, 'users.csv'));
  const clerk = createClerkClient({ secretKey: 'sk_test_x', apiUrl: clerkApi.url });
  const migrator = createLazyMigrator({ core: standin.url, apiKey: KEY, store, clerk, onEvent: (e) => events.push(e) });
  const app = createApp({ connectionURI: standin.url, apiKey: KEY, migrator, apiDomain: 'http://127.0.0.1', websiteDomain: 'http://127.0.0.1' });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await standin.close();
  await clerkApi.close();
  rmSync(dir, { recursive: true, force: true });
});

/** POST /auth/<what> as the SuperTokens frontend does. */
async function auth(/** @type {'signin' | 'signup'} */ what, /** @type {string} */ email, /** @type {string} */ password) {
  const res = await fetch(`${base}/auth/${what}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', rid: 'emailpassword', 'st-auth-mode': 'header' },
    body: JSON.stringify({ formFields: [{ id: 'email', value: email }, { id: 'password', value: password }] }),
  });
  return { status: res.status, body: /** @type {any} */ (await res.json()), accessToken: res.headers.get('st-access-token') };
}

const imports = () => standin.countRequests('POST', '/bulk-import/import');
const signins = () => standin.state.requests.filter((r) => r.method === 'POST' && /\/recipe\/signin$/.test(r.path)).length;

for (const [label, email, password, id] of /** @type {const} */ ([
  ['local store, bcrypt (the core gets the digest)', 'bcrypt@x.dev', vector('bcrypt').password, 'user_bcrypt'],
  ['local store, pbkdf2_sha256_django (lazy-only: the proven password)', 'pbkdf2_sha256_django@x.dev', vector('pbkdf2_sha256_django').password, 'user_pbkdf2_sha256_django'],
  ['Clerk Backend API (verify_password)', 'carol@x.dev', 'carol-pass', 'user_clerkonly'],
])) {
  test(`/auth/signin migrates a legacy user once: ${label}`, async () => {
    const before = imports();
    const wrong = await auth('signin', email, `${password}-wrong`);
    assert.equal(wrong.body.status, 'WRONG_CREDENTIALS_ERROR');
    assert.equal(imports(), before, 'a wrong password imports nothing');

    const stBefore = signins();
    const first = await auth('signin', email, password);
    assert.equal(first.status, 200);
    assert.equal(first.body.status, 'OK', JSON.stringify(first.body));
    assert.equal(first.body.user.id, id, 'the Clerk id is the SuperTokens user id seen by the app (externalUserId)');
    assert.deepEqual(first.body.user.emails, [email]);
    assert.ok(first.accessToken, 'a session was created');
    assert.equal(imports(), before + 1);
    assert.equal(signins(), stBefore + 1, 'after the import, the original signInPOST signed the user in');
    const expected = id === 'user_clerkonly'
      ? lazyImportBody(CLERK_USER, password, {}).user
      : lazyImportBody(store.findByEmail(email), password, {}).user;
    assert.deepEqual(standin.state.importBodies.at(-1), expected);

    const second = await auth('signin', email, password);
    assert.equal(second.body.status, 'OK');
    assert.equal(second.body.user.id, id);
    assert.equal(imports(), before + 1, 'served by SuperTokens: no second import');
    assert.equal(signins(), stBefore + 2);

    const wrongAfter = await auth('signin', email, `${password}-wrong`);
    assert.equal(wrongAfter.body.status, 'WRONG_CREDENTIALS_ERROR');
    assert.equal(imports(), before + 1);
  });
}

test('/auth/signup refuses a legacy email not migrated yet, and allows a new one', async () => {
  const legacy = await auth('signup', 'argon2id@x.dev', 'a-new-password-1');
  assert.equal(legacy.body.status, 'FIELD_ERROR', 'the SDK reports EMAIL_ALREADY_EXISTS_ERROR as a field error');
  assert.match(legacy.body.formFields[0].error, /already exists/);
  const fresh = await auth('signup', 'newcomer@x.dev', 'a-new-password-1');
  assert.equal(fresh.body.status, 'OK');
  const back = await auth('signin', 'newcomer@x.dev', 'a-new-password-1');
  assert.equal(back.body.status, 'OK');
  // the legacy user can still sign in (and is migrated then)
  assert.equal((await auth('signin', 'argon2id@x.dev', vector('argon2id').password)).body.status, 'OK');
});

test('events of the Express flow never hold the email or the password', () => {
  assert.ok(events.length >= 6);
  const text = JSON.stringify(events);
  for (const secret of ['@x.dev', 'carol-pass', vector('bcrypt').password, vector('pbkdf2_sha256_django').password]) {
    assert.ok(!text.includes(secret), secret);
  }
});
