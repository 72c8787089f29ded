// Required outcome 1: under injected faults (30% of requests failing in mixed ways, including connections
// dropped AFTER the core processed the request), every user of a 50,000-user import is staged exactly once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStandin } from './standin-core.js';
import { tempDir, removeDir, writeBatches, stagedCounts } from './submit-helpers.js';
import { submit } from '../../host/api-submit.js';
import { readJsonIfExists } from '../../host/checkpoint.js';
import { join } from 'node:path';

/** @type {Awaited<ReturnType<typeof startStandin>>} */
let standin;
/** @type {string} */
let dir;

before(async () => {
  standin = await startStandin({ apiKey: 'fault-test-key', seed: 20260813 });
  dir = await tempDir('faults');
});
after(async () => {
  await standin.close();
  await removeDir(dir);
});

test('50,000 users under 30% mixed faults are staged exactly once', async () => {
  const ids = await writeBatches(dir, 5, 10_000);
  const f = standin.state.faults;
  f.ratio = 0.3;
  f.kinds = ['429', '500', 'drop-before', 'drop-after', 'slow'];
  f.slowMs = 400;
  // Make sure the hardest cases happen on the POST itself, whatever the PRNG draws.
  f.forced = [
    { method: 'POST', path: '/bulk-import/users', kind: 'drop-after' },
    { method: 'POST', path: '/bulk-import/users', kind: 'slow' },
    { method: 'POST', path: '/bulk-import/users', kind: 'drop-before' },
    { method: 'POST', path: '/bulk-import/users', kind: 'drop-after' },
  ];

  const result = await submit(dir, {
    core: standin.url,
    apiKey: 'fault-test-key',
    maxRetries: 25,
    retryBaseMs: 2,
    timeoutMs: 250,
  });

  assert.equal(result.users, 50_000);
  assert.equal(result.staged, 50_000);
  assert.equal(result.rejected, 0);
  const counts = stagedCounts(standin, ids);
  assert.deepEqual(counts.twice, [], 'no user staged twice');
  assert.deepEqual(counts.missing, [], 'no user lost');
  assert.equal(counts.extra.length, 0);
  assert.equal(standin.state.rows.length, 50_000);

  const posts = standin.state.requests.filter((r) => r.method === 'POST' && r.path === '/bulk-import/users');
  const statuses = new Set(standin.state.requests.map((r) => String(r.status)));
  for (const s of ['429', '500', 'dropped-before', 'dropped-after']) assert.ok(statuses.has(s), `fault ${s} was exercised`);
  assert.ok(posts.some((r) => r.status === 'dropped-after'), 'a POST was dropped after the core stored it');
  const faulted = standin.state.requests.filter((r) => typeof r.status === 'string' || r.status === 429 || r.status === 500).length;
  assert.ok(faulted / standin.state.requests.length > 0.2, `about 30% of requests failed (${faulted}/${standin.state.requests.length})`);

  const cp = await readJsonIfExists(join(dir, 'submit-checkpoint.json'));
  assert.equal(cp.pending, null);
  assert.ok(Object.values(cp.batches).every((b) => /** @type {any} */ (b).staged));
  assert.ok(Object.values(cp.batches).some((b) => /** @type {any} */ (b).how === 'found-in-core'),
    'at least one batch was recognised as already staged instead of being resent');

  // A second run sends nothing.
  const before2 = posts.length;
  const again = await submit(dir, { core: standin.url, apiKey: 'fault-test-key', maxRetries: 25, retryBaseMs: 2, timeoutMs: 250 });
  assert.equal(again.stagedNow, 0);
  assert.equal(standin.countRequests('POST', '/bulk-import/users'), before2);
});
