// The core's bulk-import queue: counts (spec §1.4), paging (§1.3), FAILED rows (§7.3, §11.8–10), removal (§1.5).

import { setTimeout as sleep } from 'node:timers/promises';
import { CoreClient, coreError } from './core-client.js';

/** Max rows per GET /bulk-import/users page and ids per POST /bulk-import/users/remove (§1.3, §1.5). */
export const PAGE_LIMIT = 500;
export const REMOVE_LIMIT = 500;

/**
 * @typedef {object} ConnectOptions
 * @property {string} core
 * @property {string} [apiKey]
 * @property {number} [maxRetries]
 * @property {number} [timeoutMs]
 * @property {number} [retryBaseMs]
 * @property {(e: import('./core-client.js').RetryEvent) => void} [onRetry]
 */

/**
 * @typedef {object} QueueStatus
 * @property {number} total
 * @property {number} NEW
 * @property {number} PROCESSING
 * @property {number} FAILED
 */

/**
 * @typedef {object} StagedRow  a row of GET /bulk-import/users (nulls omitted by the core)
 * @property {string} id
 * @property {string} [externalUserId]
 * @property {'NEW' | 'PROCESSING' | 'FAILED'} status
 * @property {string} [errorMessage]
 * @property {any[]} [loginMethods]
 * @property {number} [createdAt]
 * @property {number} [updatedAt]
 */

/**
 * @typedef {object} FailedUser
 * @property {string} id                 row id (what /bulk-import/users/remove takes)
 * @property {string | null} externalUserId
 * @property {string} errorMessage       the core's text, as stored
 * @property {{code: string | null, message: string}[]} errors
 */

/** @param {ConnectOptions | CoreClient} opts */
export function clientFrom(opts) {
  return opts instanceof CoreClient ? opts : new CoreClient(opts);
}

/**
 * Counts of staged users: total and per status.
 * @param {ConnectOptions | CoreClient} opts
 * @returns {Promise<QueueStatus>}
 */
export async function status(opts) {
  const client = clientFrom(opts);
  const count = async (/** @type {string | undefined} */ s) => {
    const { body } = await client.get('/bulk-import/users/count', { status: s });
    const n = Number(body?.count);
    if (!Number.isFinite(n)) throw coreError('ERR_HTTP', `unexpected answer from GET /bulk-import/users/count: ${JSON.stringify(body)}`);
    return n;
  };
  const [total, NEW, PROCESSING, FAILED] = [await count(undefined), await count('NEW'), await count('PROCESSING'), await count('FAILED')];
  return { total, NEW, PROCESSING, FAILED };
}

/** True when nothing is left for the core's cron to do (§11.8). @param {QueueStatus} s */
export function isSettled(s) {
  return s.total === 0 || (s.NEW === 0 && s.PROCESSING === 0);
}

/**
 * Polls the counts until the queue is empty or holds only FAILED users. Yields every snapshot, the last one
 * settled.
 * @param {ConnectOptions & {intervalMs?: number, signal?: AbortSignal}} opts
 * @returns {AsyncGenerator<QueueStatus>}
 */
export async function* watchStatus(opts) {
  const client = clientFrom(opts);
  const intervalMs = opts.intervalMs ?? 10_000;
  for (;;) {
    opts.signal?.throwIfAborted();
    const s = await status(client);
    yield s;
    if (isSettled(s)) return;
    await sleep(intervalMs, undefined, { signal: opts.signal });
  }
}

/**
 * Pages GET /bulk-import/users newest first, following nextPaginationToken (URL-encoded by the client).
 * @param {CoreClient} client
 * @param {{status?: 'NEW' | 'PROCESSING' | 'FAILED', limit?: number}} [opts]
 * @returns {AsyncGenerator<StagedRow[]>}
 */
export async function* pageStaged(client, opts = {}) {
  /** @type {string | undefined} */
  let token;
  for (;;) {
    const { body } = await client.get('/bulk-import/users', {
      status: opts.status,
      limit: opts.limit ?? PAGE_LIMIT,
      paginationToken: token,
    });
    if (!body || !Array.isArray(body.users)) {
      throw coreError('ERR_HTTP', `unexpected answer from GET /bulk-import/users: ${JSON.stringify(body).slice(0, 200)}`);
    }
    yield body.users;
    if (typeof body.nextPaginationToken !== 'string' || body.nextPaginationToken === '') return;
    if (body.nextPaginationToken === token) throw coreError('ERR_HTTP', 'GET /bulk-import/users returned the same pagination token twice');
    token = body.nextPaginationToken;
  }
}

/**
 * Removes staged rows by row id, at most 500 per call.
 * @param {CoreClient} client
 * @param {string[]} ids
 * @returns {Promise<{deletedIds: string[], invalidIds: string[]}>}
 */
export async function removeStaged(client, ids) {
  const deletedIds = [];
  const invalidIds = [];
  for (let i = 0; i < ids.length; i += REMOVE_LIMIT) {
    // Removing is idempotent (a second call reports the id as invalid), so the client may retry it.
    const { body } = await client.request('POST', '/bulk-import/users/remove', {
      body: { ids: ids.slice(i, i + REMOVE_LIMIT) },
      idempotent: true,
    });
    deletedIds.push(...(body?.deletedIds ?? []));
    invalidIds.push(...(body?.invalidIds ?? []));
  }
  return { deletedIds, invalidIds };
}

/**
 * Splits a FAILED row's errorMessage into messages: either one `E0xx: …` text (§7.3) or a Java list
 * `[a, b]` of validation messages (§7.2). Java joins list elements with ", ", which also occurs inside some
 * messages ("Either (passwordHash, hashingAlgorithm) or …"), so the list is only split after a message end:
 * a full stop, "!", or the endings of the few messages that have no full stop (§3, §4.4, §4.5).
 * @param {string} text
 * @returns {{code: string | null, message: string}[]}
 */
export function splitErrorMessage(text) {
  if (typeof text !== 'string' || text === '') return [];
  let parts = [text];
  if (text.startsWith('[') && text.endsWith(']')) {
    parts = text.slice(1, -1).split(/(?<=[.!]|format|has no tenantId|for a loginMethod), /).filter((p) => p !== '');
  }
  return parts.map((message) => {
    const m = /^(E\d{3}):/.exec(message);
    return { code: m ? m[1] : null, message };
  });
}

/**
 * Lists every FAILED user (all pages).
 * @param {ConnectOptions & {onPage?: (users: FailedUser[]) => void}} opts
 * @returns {Promise<FailedUser[]>}
 */
export async function listFailed(opts) {
  const client = clientFrom(opts);
  /** @type {FailedUser[]} */
  const all = [];
  for await (const page of pageStaged(client, { status: 'FAILED' })) {
    const users = page.map(toFailedUser);
    opts.onPage?.(users);
    all.push(...users);
  }
  return all;
}

/** @param {StagedRow} row @returns {FailedUser} */
function toFailedUser(row) {
  const errorMessage = row.errorMessage ?? '';
  return {
    id: row.id,
    externalUserId: row.externalUserId ?? null,
    errorMessage,
    errors: splitErrorMessage(errorMessage),
  };
}

/**
 * Removes FAILED users: the given row ids, or every FAILED row when `ids` is omitted.
 * @param {ConnectOptions & {ids?: string[]}} opts
 * @returns {Promise<{deletedIds: string[], invalidIds: string[]}>}
 */
export async function removeFailed(opts) {
  const client = clientFrom(opts);
  const ids = opts.ids ?? (await listFailed(opts)).map((u) => u.id);
  return removeStaged(client, ids);
}
