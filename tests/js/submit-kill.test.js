// Required outcome 2: the submitter killed with SIGKILL at random moments (at least 10 kills) and resumed:
// every user is staged exactly once, none lost. The stand-in answers after a random latency that follows the
// processing of the request, so many kills land between "the core stored the batch" and "the checkpoint
// says so" — the window that would double-stage a naive resume.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { startStandin } from './standin-core.js';
import { tempDir, removeDir, writeBatches, stagedCounts } from './submit-helpers.js';
import { readJsonIfExists } from '../../host/checkpoint.js';

const CLI = fileURLToPath(new URL('../../host/cli.js', import.meta.url));
const KEY = 'kill-test-api-key-7f3a';

/** @type {Awaited<ReturnType<typeof startStandin>>} */
let standin;
/** @type {string[]} */
const dirs = [];

before(async () => {
  standin = await startStandin({ apiKey: KEY, seed: 7 });
  // Latency on the POST, after the core stored the batch: the window between "stored" and "checkpointed".
  standin.state.latencyMs = [5, 45];
  standin.state.latencyPaths = ['POST /bulk-import/users'];
});
after(async () => {
  await standin.close();
  for (const d of dirs) await removeDir(d);
});

/**
 * Runs the CLI; kills it with SIGKILL after `killAfterMs` unless it ended before.
 * @param {string} dir @param {number | null} killAfterMs
 * @returns {Promise<{killed: boolean, code: number | null, output: string}>}
 */
function runSubmit(dir, killAfterMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'submit', dir, '--core', standin.url, '--retry-base-ms', '5'], {
      env: { ...process.env, SUPERTOKENS_API_KEY: KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    let killed = false;
    const timer = killAfterMs === null ? null : setTimeout(() => {
      if (child.exitCode === null) {
        killed = child.kill('SIGKILL');
      }
    }, killAfterMs);
    child.on('error', reject);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ killed, code, output });
    });
  });
}

test('SIGKILL at random moments, then resume: every user staged exactly once', { timeout: 60_000 }, async () => {
  let kills = 0;
  let round = 0;
  let foundInCore = 0;
  const started = Date.now();
  while (kills < 10) {
    round++;
    const dir = await tempDir(`kill${round}`);
    dirs.push(dir);
    // 20 batches of 500 users; ids are unique across rounds.
    const ids = await writeBatches(dir, 20, 500, (n) => ({
      externalUserId: `r${round}_${n}`,
      loginMethods: [{ recipeId: 'emailpassword', email: `r${round}_${n}@example.com`, plainTextPassword: 'x' }],
    }));
    for (let run = 0; run < 25; run++) {
      const delay = 120 + Math.floor(Math.random() * 380);
      const r = await runSubmit(dir, delay);
      assert.ok(!r.output.includes(KEY), 'the API key never appears in the output');
      if (r.killed) {
        kills++;
        continue;
      }
      assert.equal(r.code, 0, `run ended with ${r.code}: ${r.output}`);
      break;
    }
    // Finish the round without a kill (a no-op when the last run completed).
    const last = await runSubmit(dir, null);
    assert.equal(last.code, 0, last.output);
    assert.ok(!last.output.includes(KEY));

    const counts = stagedCounts({ state: { stagedCount: new Map(ids.map((id) => [id, standin.state.stagedCount.get(id) ?? 0])) } }, ids);
    assert.deepEqual(counts.twice, [], `round ${round}: no user staged twice`);
    assert.deepEqual(counts.missing, [], `round ${round}: no user lost`);
    const cp = await readJsonIfExists(join(dir, 'submit-checkpoint.json'));
    assert.equal(cp.pending, null);
    foundInCore += Object.values(cp.batches).filter((b) => /** @type {any} */ (b).how === 'found-in-core').length;
  }
  const total = [...standin.state.stagedCount.values()];
  assert.ok(total.every((c) => c === 1), 'exactly once across all rounds');
  assert.equal(standin.state.rows.length, round * 10_000);
  assert.ok(kills >= 10);
  // Diagnostic, and evidence the dangerous window was hit: batches the core had stored when the kill came.
  console.log(`# ${kills} kills over ${round} round(s); ${foundInCore} batch(es) found already staged on resume; ${Date.now() - started} ms`);
});
