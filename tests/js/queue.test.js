// Required outcome 4: `failed` lists and removes FAILED users across several pages (> 1000 FAILED);
// `status --watch` ends when the queue drains. Also: errorMessage splitting.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { startStandin } from './standin-core.js';
import { tempDir, removeDir, writeBatches, captureIO } from './submit-helpers.js';
import { submit, listFailed, watchStatus, splitErrorMessage, status } from '../../host/api-submit.js';
import * as failedCmd from '../../host/cli/failed.js';
import * as statusCmd from '../../host/cli/status.js';

const KEY = 'queue-test-key';
/** @type {Awaited<ReturnType<typeof startStandin>>} */
let standin;
/** @type {string} */
let dir;

before(async () => {
  standin = await startStandin({ apiKey: KEY });
  dir = await tempDir('queue');
});
after(async () => {
  await standin.close();
  await removeDir(dir);
});

const JAVA_LIST = '[Either (passwordHash, hashingAlgorithm) or plainTextPassword is required for an emailpassword recipe., ' +
  'Invalid tenantId: t1 for emailpassword recipe., timeJoinedInMSSinceEpoch should be of type integer for a loginMethod, ' +
  'Password hash is in invalid BCrypt format]';

test('splitErrorMessage: E-codes and Java lists', () => {
  assert.deepEqual(splitErrorMessage('E003: A user with email a@b.c already exists in emailpassword loginMethod.'),
    [{ code: 'E003', message: 'E003: A user with email a@b.c already exists in emailpassword loginMethod.' }]);
  assert.deepEqual(splitErrorMessage(JAVA_LIST).map((e) => e.message), [
    'Either (passwordHash, hashingAlgorithm) or plainTextPassword is required for an emailpassword recipe.',
    'Invalid tenantId: t1 for emailpassword recipe.',
    'timeJoinedInMSSinceEpoch should be of type integer for a loginMethod',
    'Password hash is in invalid BCrypt format',
  ]);
  assert.deepEqual(splitErrorMessage('[Role admin does not exist.]'), [{ code: null, message: 'Role admin does not exist.' }]);
  assert.deepEqual(splitErrorMessage(''), []);
});

test('failed lists more than 1000 FAILED users over several pages, then --remove deletes them 500 at a time', async () => {
  const ids = await writeBatches(dir, 2, 700);
  await submit(dir, { core: standin.url, apiKey: KEY });
  // 1150 users fail: most with an E-code, some with a Java list; 250 are imported.
  standin.state.processUser = (r) => {
    const n = Number(r.externalUserId.slice(5));
    if (n >= 1150) return null;
    return n % 10 === 0 ? JAVA_LIST : `E003: A user with email u${n}@example.com already exists in emailpassword loginMethod.`;
  };
  standin.process();
  assert.deepEqual(await status({ core: standin.url, apiKey: KEY }), { total: 1150, NEW: 0, PROCESSING: 0, FAILED: 1150 });

  const out = join(dir, 'failed.ndjson');
  standin.state.requests = [];
  const c = captureIO({ SUPERTOKENS_API_KEY: KEY });
  assert.equal(await failedCmd.run(['--core', standin.url, '--out', out], c.io), 0, c.stderr());
  assert.match(c.stderr(), /wrote 1150 FAILED user\(s\)/);
  assert.equal(standin.countRequests('GET', '/bulk-import/users'), 3, '500 + 500 + 150');
  assert.equal((await stat(out)).mode & 0o777, 0o600);
  const lines = (await readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 1150);
  assert.equal(new Set(lines.map((l) => l.externalUserId)).size, 1150);
  assert.deepEqual(new Set(lines.map((l) => l.externalUserId)), new Set(ids.slice(0, 1150)));
  const e3 = lines.find((l) => l.externalUserId === 'user_0000001');
  assert.deepEqual(e3.errors, [{ code: 'E003', message: 'E003: A user with email u1@example.com already exists in emailpassword loginMethod.' }]);
  const list = lines.find((l) => l.externalUserId === 'user_0000010');
  assert.equal(list.errorMessage, JAVA_LIST);
  assert.equal(list.errors.length, 4);

  // The pagination token is base64 (+ / =) and must arrive intact: the API sees every row once too.
  assert.equal((await listFailed({ core: standin.url, apiKey: KEY })).length, 1150);

  standin.state.requests = [];
  const r = captureIO({ SUPERTOKENS_API_KEY: KEY });
  assert.equal(await failedCmd.run(['--core', standin.url, '--remove'], r.io), 0, r.stderr());
  assert.equal(r.stdout().trim().split('\n').length, 1150, 'lines on stdout without --out');
  assert.match(r.stderr(), /removed 1150 FAILED user\(s\)/);
  assert.equal(standin.countRequests('POST', '/bulk-import/users/remove'), 3);
  assert.equal(standin.state.rows.length, 0);
});

test('status --watch refreshes until the queue drains', async () => {
  standin.state.rows = [];
  const d2 = await tempDir('watch');
  try {
    await writeBatches(d2, 1, 300, (n) => ({ externalUserId: `w_${n}`, loginMethods: [{ recipeId: 'passwordless', email: `w${n}@x.y` }] }));
    await submit(d2, { core: standin.url, apiKey: KEY });
    standin.state.processUser = (r) => (Number(r.externalUserId.slice(2)) < 150 ? null : false);
    // The queue moves on after the watcher has seen each state, whatever the machine's speed:
    // half is imported once a refresh has read the full queue, the rest after two more.
    const polls = () => standin.countRequests('GET', '/bulk-import/users/count');
    const start = polls();
    let step = 0;
    const mover = setInterval(() => {
      const seen = polls() - start;
      if (step === 0 && seen >= 4) { step = 1; standin.process(); }
      else if (step === 1 && seen >= 12) { step = 2; standin.state.processUser = () => null; standin.process(); }
    }, 2);
    const c = captureIO({ SUPERTOKENS_API_KEY: KEY });
    const code = await statusCmd.run(['--core', standin.url, '--watch', '--interval-ms', '40'], c.io);
    clearInterval(mover);
    assert.equal(code, 0, c.stderr());
    const lines = c.stdout().trim().split('\n');
    assert.ok(lines.length >= 4, c.stdout());
    assert.match(lines[0], /NEW 300 {2}PROCESSING 0 {2}FAILED 0 {2}\(total 300\)/);
    assert.ok(lines.some((l) => /NEW 150 /.test(l)), 'saw the half-processed queue');
    assert.match(lines.at(-2) ?? '', /NEW 0 {2}PROCESSING 0 {2}FAILED 0 {2}\(total 0\)/);
    assert.match(lines.at(-1) ?? '', /the queue is empty/);
  } finally {
    await removeDir(d2);
  }
});

test('watchStatus also ends when only FAILED users remain', async () => {
  standin.state.rows = [{ id: 'a', externalUserId: 'x', status: 'FAILED', errorMessage: 'E003: …', loginMethods: [], createdAt: 1, updatedAt: 1 }];
  const seen = [];
  for await (const s of watchStatus({ core: standin.url, apiKey: KEY, intervalMs: 10 })) seen.push(s);
  assert.deepEqual(seen, [{ total: 1, NEW: 0, PROCESSING: 0, FAILED: 1 }]);
  const c = captureIO({ SUPERTOKENS_API_KEY: KEY });
  await statusCmd.run(['--core', standin.url], c.io);
  assert.match(c.stdout(), /only FAILED users remain: list them with clerk-to-supertokens failed/);
});
