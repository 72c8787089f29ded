// What bulk-import users need from the core, and what to change on the core when it is missing
// (spec §5). The counting and the messages live in the Rust core; this only crosses the boundary.
import core from './wasm.js';

/**
 * Scans bulk-import users for what they need from the core.
 * @param {Iterable<any>} users
 * @param {import('./api-submit.js').Requirements} [into]  accumulate into an earlier result (several batches)
 * @returns {import('./api-submit.js').Requirements}
 */
export function requirementsOf(users, into) {
  return core.requirementsOf(JSON.stringify(Array.from(users)), into);
}

/**
 * Compares requirements with the core's context; returns one problem per thing to change on the core.
 * @param {import('./api-submit.js').Requirements} req
 * @param {{features: string[], roles: string[], tenants: string[]}} ctx
 * @param {{firebaseSignerKeySet?: boolean}} [opts]
 * @returns {import('./api-submit.js').RequirementProblem[]}
 */
export function checkRequirements(req, ctx, opts = {}) {
  return core.requirementProblems(req, { ...ctx, firebaseSignerKeySet: Boolean(opts.firebaseSignerKeySet) });
}
