// Required outcome 3 (core rejections -> rejected-by-core.ndjson, rest of the batch staged), plus: a 400
// without a users list stops the run; 400/401/403 are never retried; 401 names the API key; the API key never
// appears in any command's output; --dry-run sends nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { startStandin } from './standin-core.js';
import { tempDir, removeDir, writeBatches, captureIO, stagedCounts } from './submit-helpers.js';
import * as submitCmd from '../../host/cli/submit.js';
import * as statusCmd from '../../host/cli/status.js';
import * as failedCmd from '../../host/cli/failed.js';
import * as undoCmd from '../../host/cli/undo.js';
import { CoreClient } from '../../host/core-client.js';

const KEY = 'st-api-key-9d8c7b6a5f4e';
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

function reset() {
  const s = standin.state;
  s.rows = [];
  s.users.clear();
  s.mappings.clear();
  s.stagedCount.clear();
  s.requests = [];
  s.rejectUser = () => null;
  s.processUser = () => null;
  s.override = () => null;
  s.faults.ratio = 0;
  s.faults.forced = [];
  s.features = ['account_linking', 'multi_tenancy', 'mfa'];
  s.roles = [];
  s.tenants = ['public'];
}

test('users the core rejects go to rejected-by-core.ndjson with its messages; the rest of the batch is staged', async () => {
  reset();
  const dir = await newDir('rejected');
  const ids = await writeBatches(dir, 3, 200);
  // Reject users 5 and 17 of batch 2 (global numbers 205, 217) and 3 of batch 3 (403); two errors for one.
  const bad = new Map([
    ['user_0000205', ['Role admin does not exist.']],
    ['user_0000217', ['email u217@example.com is too long. Max length is 256.', 'Invalid tenantId: t1 for emailpassword recipe.']],
    ['user_0000403', ['Password hash is in invalid BCrypt format']],
  ]);
  standin.state.rejectUser = (u) => bad.get(u.externalUserId) ?? null;
  const c = captureIO({ SUPERTOKENS_API_KEY: KEY });
  const code = await submitCmd.run([dir, '--core', standin.url], c.io);
  assert.equal(code, 0, c.stderr());
  assert.match(c.stdout(), /staged 597 of 600 users/);
  assert.match(c.stdout(), /3 user\(s\) rejected by the core/);

  const lines = (await readFile(join(dir, 'rejected-by-core.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines, [
    { batch: 'batch-0002.json', index: 5, externalUserId: 'user_0000205', errors: ['Role admin does not exist.'] },
    { batch: 'batch-0002.json', index: 17, externalUserId: 'user_0000217', errors: bad.get('user_0000217') },
    { batch: 'batch-0003.json', index: 3, externalUserId: 'user_0000403', errors: ['Password hash is in invalid BCrypt format'] },
  ]);
  assert.equal((await stat(join(dir, 'rejected-by-core.ndjson'))).mode & 0o777, 0o600);
  const counts = stagedCounts(standin, ids.filter((id) => !bad.has(id)));
  assert.deepEqual(counts.twice, []);
  assert.deepEqual(counts.missing, []);
  assert.equal(counts.extra.length, 0, 'rejected users were not staged');
  // batch 1 once, batches 2 and 3 twice (400, then the rest)
  assert.equal(standin.countRequests('POST', '/bulk-import/users'), 5);
});

test('a 400 without a users list stops the run with the core message, and is not retried', async () => {
  reset();
  const dir = await newDir('400');
  await writeBatches(dir, 2, 10);
  standin.state.override = (m, p) => (m === 'POST' && p === '/bulk-import/users' ? [400, 'Invalid Json Input'] : null);
  const c = captureIO({ SUPERTOKENS_API_KEY: KEY });
  const code = await submitCmd.run([dir, '--core', standin.url, '--quiet'], c.io);
  assert.equal(code, 1);
  assert.match(c.stderr(), /batch-0001\.json: the core refused the batch: HTTP 400 Invalid Json Input/);
  assert.equal(standin.countRequests('POST', '/bulk-import/users'), 1);
  assert.equal(standin.state.rows.length, 0);
});

test('401 ends with a message naming the API key, never retried, key never printed', async () => {
  reset();
  const dir = await newDir('401');
  await writeBatches(dir, 1, 10);
  const wrong = 'wrong-key-0123456789';
  for (const [argv, env] of /** @type {[string[], Record<string, string>][]} */ ([
    [[dir, '--core', standin.url, '--api-key', wrong], {}],
    [[dir, '--core', standin.url], { SUPERTOKENS_API_KEY: wrong }],
  ])) {
    standin.state.requests = [];
    const c = captureIO(env);
    const code = await submitCmd.run(argv, c.io);
    assert.equal(code, 1);
    assert.match(c.stderr(), /API key/);
    assert.match(c.stderr(), /HTTP 401 Invalid API key/);
    assert.ok(!c.stderr().includes(wrong) && !c.stdout().includes(wrong));
    assert.equal(standin.state.requests.length, 1, 'a 401 is not retried');
  }
  // No key at all against a core that needs one.
  const c = captureIO({});
  assert.equal(await statusCmd.run(['--core', standin.url], c.io), 1);
  assert.match(c.stderr(), /API key/);
});

test('400, 401 and 403 are never retried by the client; 429 and 500 are', async () => {
  reset();
  for (const status of [400, 401, 403]) {
    standin.state.requests = [];
    standin.state.override = () => [status, status === 403 ? 'Only public tenantId can call this app specific API' : 'nope'];
    const client = new CoreClient({ core: standin.url, apiKey: KEY, retryBaseMs: 1, maxRetries: 5 });
    await assert.rejects(client.get('/bulk-import/users/count'), (/** @type {any} */ e) => e.status === status && e instanceof Error && e.message.length > 0);
    await assert.rejects(client.post('/bulk-import/users/remove', { ids: ['x'] }, { idempotent: true }), (/** @type {any} */ e) => e.status === status);
    assert.equal(standin.state.requests.length, 2, `HTTP ${status}: one request per call`);
  }
  for (const status of [429, 500]) {
    standin.state.requests = [];
    standin.state.override = () => [status, 'busy'];
    const client = new CoreClient({ core: standin.url, apiKey: KEY, retryBaseMs: 1, maxRetries: 3 });
    await assert.rejects(client.get('/bulk-import/users/count'), (/** @type {any} */ e) => e.status === status && /gave up after 4 attempts/.test(e.message));
    assert.equal(standin.state.requests.length, 4);
  }
});

test('Retry-After is honoured; timeouts and dropped connections are retried for idempotent requests', async () => {
  reset();
  standin.state.faults.retryAfter = '1';
  standin.state.faults.forced = [{ method: 'GET', path: '/bulk-import/users/count', kind: '429' }];
  const client = new CoreClient({ core: standin.url, apiKey: KEY, retryBaseMs: 1, timeoutMs: 150 });
  const t0 = Date.now();
  assert.equal((await client.get('/bulk-import/users/count')).body.count, 0);
  assert.ok(Date.now() - t0 >= 950, 'waited for Retry-After: 1');
  standin.state.faults.retryAfter = '0';

  standin.state.faults.forced = [
    { method: 'GET', path: '/bulk-import/users/count', kind: 'slow' },
    { method: 'GET', path: '/bulk-import/users/count', kind: 'drop-before' },
    { method: 'GET', path: '/bulk-import/users/count', kind: 'drop-after' },
  ];
  standin.state.requests = [];
  assert.equal((await client.get('/bulk-import/users/count')).body.count, 0);
  assert.equal(standin.state.requests.length, 4);

  // A POST that may have been processed is not blindly retried.
  standin.state.faults.forced = [{ method: 'POST', path: '/bulk-import/import', kind: 'drop-after' }];
  standin.state.requests = [];
  await assert.rejects(client.post('/bulk-import/import', { loginMethods: [] }), (/** @type {any} */ e) => e.code === 'ERR_OUTCOME_UNKNOWN');
  assert.equal(standin.state.requests.length, 1);
});

test('--dry-run checks the core and shows the batches without sending', async () => {
  reset();
  const dir = await newDir('dry');
  await writeBatches(dir, 3, 25);
  const c = captureIO({ SUPERTOKENS_API_KEY: KEY });
  assert.equal(await submitCmd.run([dir, '--core', standin.url, '--dry-run'], c.io), 0, c.stderr());
  assert.match(c.stdout(), /batch-0001\.json: would POST \/bulk-import\/users with 25 of 25 users/);
  assert.match(c.stdout(), /would send 75 users in 3 request\(s\)/);
  assert.equal(standin.countRequests('POST', '/bulk-import/users'), 0);
  assert.ok(standin.countRequests('GET', '/ee/featureflag') >= 1);
  assert.match(c.stdout(), /every batch passes the core's validation/);
});

test('--dry-run validates with the core\'s rules and says which batch the core would refuse', async () => {
  reset();
  const dir = await newDir('dry-invalid');
  await writeBatches(dir, 2, 5, (n) => (n === 7
    ? { externalUserId: `user_${n}`, loginMethods: [{ recipeId: 'emailpassword', email: 'x@example.com' }] }
    : { externalUserId: `user_${n}`, loginMethods: [{ recipeId: 'passwordless', email: `u${n}@example.com` }] }));
  const c = captureIO({ SUPERTOKENS_API_KEY: KEY });
  assert.equal(await submitCmd.run([dir, '--core', standin.url, '--dry-run'], c.io), 1, c.stderr());
  assert.match(c.stdout(), /batch-0002\.json: the core would answer HTTP 400 \(1 invalid user\(s\)\)/);
  assert.match(c.stdout(), /Either \(passwordHash, hashingAlgorithm\) or plainTextPassword is required for an emailpassword recipe\./);
  assert.doesNotMatch(c.stdout(), /batch-0001\.json: the core would answer/);
  assert.equal(standin.countRequests('POST', '/bulk-import/users'), 0);
});

test('the API key never appears in the output of any command, even with retries and errors', async () => {
  reset();
  const dir = await newDir('key');
  await writeBatches(dir, 2, 50);
  standin.state.faults.ratio = 0.3;
  const outputs = [];
  const runCmd = async (/** @type {any} */ cmd, /** @type {string[]} */ argv, /** @type {Record<string, string>} */ env) => {
    const c = captureIO(env);
    await cmd.run(argv, c.io);
    outputs.push(c.stdout(), c.stderr());
  };
  const flag = ['--api-key', KEY, '--retry-base-ms', '1', '--timeout-ms', '300'];
  await runCmd(submitCmd, [dir, '--core', standin.url, ...flag], {});
  await runCmd(submitCmd, [dir, '--core', standin.url, '--retry-base-ms', '1'], { SUPERTOKENS_API_KEY: KEY });
  standin.state.processUser = (r) => (r.externalUserId.endsWith('3') ? 'E003: A user with email x@example.com already exists in emailpassword loginMethod.' : false);
  standin.process();
  await runCmd(statusCmd, ['--core', standin.url, ...flag], {});
  await runCmd(failedCmd, ['--core', standin.url, ...flag], {});
  await runCmd(failedCmd, ['--core', standin.url, '--remove', ...flag], {});
  await runCmd(undoCmd, [dir, '--core', standin.url, '--yes', ...flag], {});
  await runCmd(undoCmd, [dir, '--core', standin.url, ...flag], {}); // refused: no checkpoint / no TTY
  standin.state.faults.ratio = 0;
  await runCmd(statusCmd, ['--core', `http://127.0.0.1:1/`, ...flag, '--max-retries', '0'], {}); // connection refused
  await runCmd(submitCmd, [dir, '--core', standin.url, '--api-key', `${KEY}x`], {}); // 401 with a longer key
  const all = outputs.join('\n');
  assert.ok(all.length > 200, 'the commands wrote something');
  assert.ok(!all.includes(KEY), 'API key printed');
});

test('users without externalUserId: an unknown outcome is resolved by email; without any identity the run stops', async () => {
  reset();
  const dir = await newDir('noext');
  await writeBatches(dir, 2, 30, (n) => ({ loginMethods: [{ recipeId: 'passwordless', email: ` NoExt${n}@X.y ` }] }));
  standin.state.faults.forced = [
    { method: 'POST', path: '/bulk-import/users', kind: 'drop-after' },
    { method: 'POST', path: '/bulk-import/users', kind: 'drop-before' },
  ];
  const c = captureIO({ SUPERTOKENS_API_KEY: KEY });
  assert.equal(await submitCmd.run([dir, '--core', standin.url, '--retry-base-ms', '1'], c.io), 0, c.stderr());
  const emails = standin.state.rows.map((r) => r.loginMethods[0].email);
  assert.equal(emails.length, 60);
  assert.equal(new Set(emails).size, 60, 'each user staged once');

  reset();
  const phones = await newDir('phones');
  await writeBatches(phones, 1, 5, (n) => ({ loginMethods: [{ recipeId: 'passwordless', phoneNumber: `+1555000${n}` }] }));
  standin.state.faults.forced = [{ method: 'POST', path: '/bulk-import/users', kind: 'drop-after' }];
  const p = captureIO({ SUPERTOKENS_API_KEY: KEY });
  assert.equal(await submitCmd.run([phones, '--core', standin.url, '--retry-base-ms', '1'], p.io), 1);
  assert.match(p.stderr(), /cannot tell whether the last request was staged/);
  assert.equal(standin.state.rows.length, 5, 'not sent a second time');
  const again = captureIO({ SUPERTOKENS_API_KEY: KEY });
  assert.equal(await submitCmd.run([phones, '--core', standin.url], again.io), 1, 'a rerun refuses too: the intent is kept');
  assert.match(again.stderr(), /--resolve-pending staged/);
  assert.equal(standin.state.rows.length, 5);
  const resolved = captureIO({ SUPERTOKENS_API_KEY: KEY });
  assert.equal(await submitCmd.run([phones, '--core', standin.url, '--resolve-pending', 'staged'], resolved.io), 0, resolved.stderr());
  assert.match(resolved.stdout(), /staged 5 of 5 users/);
  assert.equal(standin.state.rows.length, 5, 'still staged once');
});
