// Node API for talking to a SuperTokens core: submit, watch the queue, handle FAILED users, undo, and the
// one-user import used by lazy migration. Re-exported from the package index.

import { CoreClient, coreError, coreMessage } from './core-client.js';

export { submit, fetchCoreContext } from './submit.js';
export { status, watchStatus, listFailed, removeFailed, splitErrorMessage } from './queue.js';
export { undo } from './undo.js';
export { requirementsOf, checkRequirements } from './requirements.js';

/**
 * Imports one user synchronously with POST /bulk-import/import (spec §1.6).
 * Resolves with the core's user on 200. On 400 rejects with an Error whose `errors` holds the core's list
 * (validation messages or `E0xx: …` texts) and whose `code` is `ERR_IMPORT_REJECTED`.
 * Retried only when the core certainly did not act (429 / 500 / 503 / connection refused); an unclear
 * outcome rejects with `ERR_OUTCOME_UNKNOWN`.
 * @param {object} user  a bulk-import user object
 * @param {{core: string, apiKey?: string, timeoutMs?: number, maxRetries?: number}} opts
 * @returns {Promise<any>}
 */
export async function importUser(user, opts) {
  const client = new CoreClient(opts);
  const res = await client.request('POST', '/bulk-import/import', { body: user, okStatuses: [400] });
  if (res.status === 400) {
    const errors = Array.isArray(res.body?.errors) ? res.body.errors.map(String) : [coreMessage(res.body)];
    throw Object.assign(coreError('ERR_IMPORT_REJECTED', `the core did not import the user: ${errors.join('; ')}`),
      { status: 400, errors, body: res.body });
  }
  if (res.body?.status !== 'OK' || !res.body.user) {
    throw coreError('ERR_HTTP', `unexpected answer from POST /bulk-import/import: ${JSON.stringify(res.body).slice(0, 200)}`);
  }
  return res.body.user;
}
