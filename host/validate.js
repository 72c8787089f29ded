// Core-parity validation from Node: what the SuperTokens core would answer to a body.
import core from './wasm.js';

/**
 * What the core would answer to `POST /bulk-import/users` with `body`.
 * @param {string | object} body the request body, as JSON text or as an object
 * @param {import('./index.js').CoreContext} [context] what is known about the core
 * @returns {import('./index.js').RequestVerdict}
 */
export function validateBulkImport(body, context) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return core.validateBulkImport(text, context);
}

/** The body text the core would send for a verdict (`{"status":"OK"}` for an accepted request). */
export function responseBody(verdict) {
  return verdict.body ?? '{"status":"OK"}';
}
