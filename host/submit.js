// submit: stage the batches written by `convert` with POST /bulk-import/users, resumably and exactly once.
//
// Exactly-once design. The checkpoint (<dir>/submit-checkpoint.json, written atomically) holds, per batch
// file, the indices the core rejected (with its errors) and whether the rest is staged. A batch is sent as one
// request, and the core stores a request all-or-nothing (spec §1.2), so a batch is never half staged.
//   1. Before each POST the checkpoint records an intent: `pending = {file}`. The users sent are fully
//      determined by the batch file and its rejected set, which only changes after a 400 (nothing stored).
//   2. 200 -> the batch is marked staged and the intent cleared, in one atomic write.
//   3. 400 with `users` -> those indices join the rejected set, the intent is cleared, the rest is resent.
//   4. No answer (dropped connection, timeout, 502/504) or a kill anywhere between 1 and 2: the outcome is
//      unknown. Before anything is resent, the queue is searched (GET /bulk-import/users, all pages) for the
//      request's users by externalUserId (users without one: by email / third-party identity), and, if not
//      there, a few external ids are looked up in the user-id mappings (the cron may have imported them
//      meanwhile). Found -> staged; not found -> not staged, send again.
// Limitations: a request whose users have neither an externalUserId nor an email / third-party identity
// cannot be reconciled; the run stops and says so instead of risking a double stage. A request without any
// externalUserId is matched by email / third-party identity, so an identical identity staged by someone else
// would be taken for it; an external id already mapped in the core before this import (it would fail with
// E031 anyway) is taken as staged. The search reads the whole queue when the users are not there
// (a 10,000-row queue is 20 GETs); it happens only after an unknown outcome.

import { readdir, readFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { validateBulkImport } from './validate.js';
import { CoreClient, coreError, coreMessage } from './core-client.js';
import { writeFileAtomic, readJsonIfExists } from './checkpoint.js';
import { requirementsOf, checkRequirements } from './requirements.js';
import { javaTrim } from './java-string.js';
import { pageStaged } from './queue.js';
import { createProgress } from './progress.js';

export const CHECKPOINT_FILE = 'submit-checkpoint.json';
export const REJECTED_FILE = 'rejected-by-core.ndjson';
export const MAX_USERS_PER_REQUEST = 10_000;
const BATCH_RE = /^batch-(\d+)\.json$/;

/**
 * @typedef {object} SubmitOptions
 * @property {string} core
 * @property {string} [apiKey]
 * @property {boolean} [dryRun]
 * @property {boolean} [firebaseSignerKeySet]
 * @property {number} [maxRetries]
 * @property {number} [timeoutMs]
 * @property {number} [retryBaseMs]
 * @property {import('./progress.js').Progress} [progress]
 * @property {'staged' | 'not-staged'} [resolvePending]  the operator's verdict on a request whose outcome is
 *   unknown and cannot be looked up (users without any identity); used instead of searching the core
 */

/**
 * @typedef {object} BatchPlan
 * @property {string} file
 * @property {number} users       users in the file
 * @property {number} toSend      users still to send (0 when already staged)
 * @property {boolean} staged
 */

/**
 * @typedef {object} SubmitResult
 * @property {boolean} dryRun
 * @property {number} users       users in all batch files
 * @property {number} staged      users staged by this directory's runs (all runs)
 * @property {number} stagedNow   users staged by this call
 * @property {number} rejected    users the core rejected (see rejected-by-core.ndjson)
 * @property {BatchPlan[]} batches
 * @property {string} checkpointPath
 * @property {string} rejectedPath
 */

/**
 * @typedef {object} BatchState
 * @property {string} sha256
 * @property {number} users
 * @property {Record<string, {externalUserId: string | null, errors: string[]}>} rejected
 * @property {boolean} staged
 * @property {'accepted' | 'found-in-core'} [how]
 * @property {Record<string, string>} [rowIds]   batch index -> core row id, for staged users without externalUserId
 */

/**
 * @typedef {object} Checkpoint
 * @property {1} version
 * @property {string} core
 * @property {Record<string, BatchState>} batches
 * @property {{file: string, users: number, sentAt: string} | null} pending
 * @property {string} [updatedAt]
 */

/**
 * Lists the batch files of a convert output directory, in batch order.
 * @param {string} dir
 * @returns {Promise<string[]>}
 */
export async function listBatchFiles(dir) {
  let names;
  try {
    names = await readdir(dir);
  } catch (cause) {
    throw coreError('ERR_USAGE', `cannot read the directory ${dir}`, cause);
  }
  const files = names.filter((n) => BATCH_RE.test(n))
    .sort((a, b) => Number(BATCH_RE.exec(a)?.[1]) - Number(BATCH_RE.exec(b)?.[1]));
  if (files.length === 0) {
    throw coreError('ERR_USAGE', `no batch files (batch-0001.json, …) in ${dir}: run convert with --out ${dir} first`);
  }
  return files;
}

/**
 * Reads one batch file.
 * @param {string} dir @param {string} file
 * @returns {Promise<{users: any[], sha256: string}>}
 */
export async function readBatch(dir, file) {
  const bytes = await readFile(join(dir, file));
  let json;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (cause) {
    throw coreError('ERR_BATCH', `${file} is not valid JSON`, cause);
  }
  if (!json || !Array.isArray(json.users)) throw coreError('ERR_BATCH', `${file} has no "users" array`);
  if (json.users.length > MAX_USERS_PER_REQUEST) {
    throw coreError('ERR_BATCH', `${file} has ${json.users.length} users; the core takes at most ${MAX_USERS_PER_REQUEST} per request`);
  }
  return { users: json.users, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * Loads the checkpoint of a directory, or a fresh one.
 * @param {string} dir @param {string} core
 * @returns {Promise<Checkpoint>}
 */
export async function loadCheckpoint(dir, core) {
  const cp = await readJsonIfExists(join(dir, CHECKPOINT_FILE));
  if (cp === undefined) return { version: 1, core, batches: {}, pending: null };
  if (cp.version !== 1 || typeof cp.batches !== 'object') {
    throw coreError('ERR_CHECKPOINT', `${join(dir, CHECKPOINT_FILE)} has an unknown format`);
  }
  if (core && cp.core !== core) {
    throw coreError('ERR_CHECKPOINT',
      `${dir} was submitted to ${cp.core}, not ${core}; use that core, or a fresh copy of the batches for another core`);
  }
  return cp;
}

/** @param {string} dir @param {Checkpoint} cp */
async function saveCheckpoint(dir, cp) {
  cp.updatedAt = new Date().toISOString();
  // 0600: rejected users' errors may echo a plainTextPassword (spec §9).
  await writeFileAtomic(join(dir, CHECKPOINT_FILE), `${JSON.stringify(cp)}\n`, { mode: 0o600 });
}

/**
 * Rewrites rejected-by-core.ndjson from the checkpoint, so it never holds a line twice, whenever a run stops.
 * @param {string} dir @param {Checkpoint} cp @param {string[]} files
 */
async function writeRejected(dir, cp, files) {
  const lines = [];
  for (const file of files) {
    const b = cp.batches[file];
    if (!b) continue;
    for (const [index, r] of Object.entries(b.rejected).sort((x, y) => Number(x[0]) - Number(y[0]))) {
      lines.push(JSON.stringify({ batch: file, index: Number(index), externalUserId: r.externalUserId, errors: r.errors }));
    }
  }
  if (lines.length === 0 && !(await exists(join(dir, REJECTED_FILE)))) return;
  await writeFileAtomic(join(dir, REJECTED_FILE), lines.map((l) => `${l}\n`).join(''), { mode: 0o600 });
}

/** @param {string} path */
async function exists(path) {
  return access(path).then(() => true, () => false);
}

/**
 * Reads the core's features, roles and tenants (spec §1.7).
 * @param {{core: string, apiKey?: string} | CoreClient} opts
 * @returns {Promise<import('./requirements.js').CoreContext>}
 */
export async function fetchCoreContext(opts) {
  const client = opts instanceof CoreClient ? opts : new CoreClient(opts);
  const [ff, roles, tenants] = [
    await client.get('/ee/featureflag'),
    await client.get('/recipe/roles'),
    await client.get('/recipe/multitenancy/tenant/list/v2'),
  ];
  const list = (/** @type {any} */ v, /** @type {string} */ what) => {
    if (!Array.isArray(v)) throw coreError('ERR_HTTP', `unexpected answer from the core's ${what} endpoint`);
    return v;
  };
  return {
    features: list(ff.body?.features, '/ee/featureflag').map(String),
    roles: list(roles.body?.roles, '/recipe/roles').map(String),
    tenants: list(tenants.body?.tenants, '/recipe/multitenancy/tenant/list/v2').map((/** @type {any} */ t) => String(t?.tenantId)),
  };
}

/**
 * Stages every batch of `dir` on the core. Resumes from the checkpoint of an earlier, interrupted run.
 * @param {string} dir
 * @param {SubmitOptions} opts
 * @returns {Promise<SubmitResult>}
 */
export async function submit(dir, opts) {
  const progress = opts.progress ?? createProgress({ quiet: true });
  const client = new CoreClient({
    core: opts.core,
    apiKey: opts.apiKey,
    maxRetries: opts.maxRetries,
    timeoutMs: opts.timeoutMs,
    retryBaseMs: opts.retryBaseMs,
    onRetry: (e) => progress.note(`retrying ${e.method} ${e.path} in ${(e.delayMs / 1000).toFixed(1)}s after ${e.reason} (attempt ${e.attempt})`),
  });
  const maxRetries = client.maxRetries;
  const files = await listBatchFiles(dir);
  const cp = await loadCheckpoint(dir, client.base);

  // Read every batch once: check it is unchanged since it was (partly) sent, and scan what it needs.
  let req;
  /** @type {Record<string, number>} */
  const sizes = {};
  for (const file of files) {
    const { users, sha256 } = await readBatch(dir, file);
    const known = cp.batches[file];
    if (known && known.sha256 !== sha256) {
      throw coreError('ERR_CHECKPOINT', `${file} changed since it was submitted to ${cp.core}; ` +
        `an earlier run's record of what was staged no longer matches it. Use a fresh output directory`);
    }
    sizes[file] = users.length;
    const notRejected = known ? users.filter((_, i) => !(i in known.rejected)) : users;
    req = requirementsOf(notRejected, req);
    if (!known) cp.batches[file] = { sha256, users: users.length, rejected: {}, staged: false };
  }

  const context = await fetchCoreContext(client);
  const problems = checkRequirements(/** @type {any} */ (req), context, { firebaseSignerKeySet: opts.firebaseSignerKeySet });
  if (problems.length > 0) {
    const err = coreError('ERR_REQUIREMENTS',
      `the core at ${client.base} is not ready for these users; nothing was sent. Change on the core:\n` +
      problems.map((p) => `  - ${p.message}`).join('\n'));
    throw Object.assign(err, { problems });
  }

  const total = files.reduce((n, f) => n + sizes[f], 0);
  const countStaged = () => files.reduce((n, f) => {
    const b = cp.batches[f];
    return n + (b.staged ? b.users - Object.keys(b.rejected).length : 0);
  }, 0);
  const countRejected = () => files.reduce((n, f) => n + Object.keys(cp.batches[f].rejected).length, 0);
  const plan = () => files.map((file) => {
    const b = cp.batches[file];
    return { file, users: b.users, staged: b.staged, toSend: b.staged ? 0 : b.users - Object.keys(b.rejected).length };
  });
  const result = (/** @type {number} */ before) => ({
    dryRun: Boolean(opts.dryRun),
    users: total,
    staged: countStaged(),
    stagedNow: countStaged() - before,
    rejected: countRejected(),
    batches: plan(),
    checkpointPath: join(dir, CHECKPOINT_FILE),
    rejectedPath: join(dir, REJECTED_FILE),
  });

  if (opts.dryRun) {
    // Validate what would be sent with the core's own rules, in the context just read from it.
    const validation = [];
    const ctx = { ...context, firebaseSignerKeySet: opts.firebaseSignerKeySet, nowMs: Date.now() };
    for (const file of files) {
      const b = cp.batches[file];
      if (b.staged) continue;
      const { users } = await readBatch(dir, file);
      const verdict = validateBulkImport({ users: users.filter((_, i) => !(i in b.rejected)) }, ctx);
      const invalid = verdict.users.filter((u) => u.errors.length > 0 || u.coreWouldCrash).length;
      validation.push({ file, status: verdict.status, invalidUsers: invalid, body: verdict.status === 200 ? undefined : verdict.body });
    }
    return { ...result(countStaged()), validation };
  }

  await writeRejected(dir, cp, files);
  const stagedBefore = countStaged();
  progress.update(stagedBefore, total);

  for (const file of files) {
    const state = cp.batches[file];
    if (state.staged) continue;
    const { users } = await readBatch(dir, file);
    let unknownOutcomes = 0;
    for (;;) {
      const indices = users.map((_, i) => i).filter((i) => !(i in state.rejected));
      const sent = indices.map((i) => users[i]);

      if (cp.pending?.file === file) {
        // An earlier attempt (this run or a killed one) may have been stored by the core.
        progress.note(`${file}: the outcome of the last request is unknown; looking for its users in the core`);
        const verdict = opts.resolvePending;
        opts = { ...opts, resolvePending: undefined }; // applies to the one pending request only
        if (verdict ? verdict === 'staged' : await alreadyStaged(client, file, sent)) {
          markStaged(state, 'found-in-core');
          cp.pending = null;
          await saveCheckpoint(dir, cp);
          progress.note(`${file}: already staged by the earlier request; not sent again`);
          break;
        }
        cp.pending = null;
      }
      if (sent.length === 0) {
        markStaged(state, 'accepted');
        await saveCheckpoint(dir, cp);
        break;
      }

      cp.pending = { file, users: sent.length, sentAt: new Date().toISOString() };
      await saveCheckpoint(dir, cp);
      let res;
      try {
        res = await client.request('POST', '/bulk-import/users', { body: { users: sent }, okStatuses: [400] });
      } catch (err) {
        const e = /** @type {any} */ (err);
        if (e.code === 'ERR_OUTCOME_UNKNOWN') {
          unknownOutcomes++;
          if (unknownOutcomes > maxRetries) {
            throw coreError('ERR_OUTCOME_UNKNOWN', `${file}: ${unknownOutcomes} requests without a clear answer; stopping. ` +
              `Rerun submit later: it checks what the core stored before sending anything again`, err);
          }
          progress.note(`${file}: ${e.message}`);
          await sleep(client.backoff(unknownOutcomes, undefined));
          continue; // pending stays set: the next turn searches the core first
        }
        // Any other failure means the core did not store the request (see core-client.js): no intent to keep.
        cp.pending = null;
        await saveCheckpoint(dir, cp);
        await writeRejected(dir, cp, files);
        throw err;
      }

      if (res.status === 400) {
        const rejected = res.body && typeof res.body === 'object' && Array.isArray(res.body.users) ? res.body.users : null;
        cp.pending = null; // a 400 stores nothing (§1.2)
        if (!rejected || rejected.length === 0 || !rejected.every((/** @type {any} */ r) => Number.isInteger(r?.index) && r.index >= 0 && r.index < sent.length)) {
          await saveCheckpoint(dir, cp);
          await writeRejected(dir, cp, files);
          throw Object.assign(coreError('ERR_BAD_REQUEST', `${file}: the core refused the batch: HTTP 400 ${coreMessage(res.body)}`),
            { status: 400, body: res.body });
        }
        for (const r of rejected) {
          const i = indices[r.index];
          const ext = users[i]?.externalUserId;
          state.rejected[i] = {
            externalUserId: typeof ext === 'string' ? ext : null,
            errors: Array.isArray(r.errors) ? r.errors.map(String) : [String(r.errors)],
          };
        }
        await saveCheckpoint(dir, cp);
        await writeRejected(dir, cp, files);
        progress.note(`${file}: the core rejected ${rejected.length} user(s) (see ${REJECTED_FILE}); sending the rest again`);
        continue;
      }

      // 200: staged. Keep the row ids of users without externalUserId so undo can find them (§1.2).
      const answered = Array.isArray(res.body?.users) ? res.body.users : [];
      /** @type {Record<string, string>} */
      const rowIds = {};
      if (answered.length === sent.length) {
        sent.forEach((u, k) => {
          if (typeof u?.externalUserId !== 'string' && typeof answered[k]?.userId === 'string') rowIds[indices[k]] = answered[k].userId;
        });
      }
      markStaged(state, 'accepted', rowIds);
      cp.pending = null;
      await saveCheckpoint(dir, cp);
      break;
    }
    progress.update(countStaged(), total, file);
  }
  progress.done();
  return result(stagedBefore);
}

/** @param {BatchState} state @param {'accepted' | 'found-in-core'} how @param {Record<string, string>} [rowIds] */
function markStaged(state, how, rowIds) {
  state.staged = true;
  state.how = how;
  if (rowIds && Object.keys(rowIds).length) state.rowIds = rowIds;
}

/**
 * Identity keys of a user for matching against staged rows: the trimmed externalUserId, else lower-cased
 * emails and third-party identities of its login methods (what the core stores normalised, §1.2).
 * @param {any} user
 * @returns {string[]}
 */
export function identityKeys(user) {
  if (typeof user?.externalUserId === 'string' && javaTrim(user.externalUserId) !== '') {
    return [`ext:${javaTrim(user.externalUserId)}`];
  }
  const keys = [];
  for (const m of Array.isArray(user?.loginMethods) ? user.loginMethods : []) {
    if (typeof m?.thirdPartyId === 'string' && typeof m?.thirdPartyUserId === 'string') keys.push(`tp:${m.thirdPartyId}\n${m.thirdPartyUserId}`);
    else if (typeof m?.email === 'string') keys.push(`em:${m.recipeId}\n${javaTrim(m.email).toLowerCase()}`);
  }
  return keys;
}

/** Keys of a row from GET /bulk-import/users, in the same form as identityKeys. @param {any} row */
function rowKeys(row) {
  if (typeof row.externalUserId === 'string') return [`ext:${row.externalUserId}`];
  return identityKeys({ loginMethods: row.loginMethods });
}

/**
 * Did the core store a request carrying `users`? Searches the queue, then the user-id mappings.
 * @param {CoreClient} client @param {string} file @param {any[]} users
 * @returns {Promise<boolean>}
 */
async function alreadyStaged(client, file, users) {
  // External ids are unique per import; emails need not be (a duplicate staged by an earlier request would
  // look like a match), so identities are only used when no user of the request has an external id.
  /** @type {Set<string>} */
  let wanted = new Set();
  for (const u of users) for (const k of identityKeys(u)) if (k.startsWith('ext:')) wanted.add(k);
  if (wanted.size === 0) wanted = new Set(users.flatMap(identityKeys));
  if (wanted.size === 0) {
    throw coreError('ERR_OUTCOME_UNKNOWN',
      `${file}: cannot tell whether the last request was staged: its users have no externalUserId, email or ` +
      `third-party identity to look for. Check the core's queue (GET /bulk-import/users), then rerun submit with ` +
      `--resolve-pending staged (the users are there) or --resolve-pending not-staged (send ${file} again)`);
  }
  for await (const page of pageStaged(client)) {
    for (const row of page) {
      if (rowKeys(row).some((k) => wanted.has(k))) return true;
    }
  }
  // Not queued: the cron may already have imported them (rows are deleted on import, §1.3).
  const sample = users.map((u) => u?.externalUserId).filter((x) => typeof x === 'string' && javaTrim(x) !== '').slice(0, 3);
  for (const ext of sample) {
    const { body } = await client.get('/recipe/userid/map', { userId: javaTrim(ext), userIdType: 'EXTERNAL' });
    if (body?.status === 'OK') return true;
  }
  return false;
}
