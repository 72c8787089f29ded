// Legacy password checks for lazy migration, in-process through wasm.
import core from './wasm.js';

/**
 * Checks `password` against a Clerk digest; false for a wrong password.
 * Throws an Error with `code` when the digest cannot be checked (see index.d.ts).
 * @param {import('./index.js').VerifyPasswordInput} input
 * @returns {boolean}
 */
export function verifyPassword(input) {
  return core.verifyPassword(input);
}
