// The Validate tab's context form -> the core's CoreContext, and the verdict in words. Pure
// functions over plain values, so Node tests check them without a DOM.
//
// "Unknown" and "known and empty" differ: a list whose "I know …" box is unticked is left out
// of the context (the core-parity validator then skips the checks that need it and lists
// them), while a ticked box with an empty field is an empty list (nothing exists, so every
// user that needs one fails).

/** A comma- or newline-separated list: trimmed, empty items dropped, duplicates removed. */
export function parseList(text) {
  const items = String(text ?? '').split(/[,\n]/).map((s) => s.trim()).filter(Boolean);
  return [...new Set(items)];
}

/**
 * @param {{knowFeatures?: boolean, features?: string[], knowRoles?: boolean, roles?: string,
 *   knowTenants?: boolean, tenants?: string, firebase?: '' | 'yes' | 'no'}} v
 * @returns {import('./pkg/clerk_to_supertokens.js').CoreContext}
 */
export function contextFromForm(v) {
  const context = {};
  if (v.knowFeatures) context.features = [...(v.features ?? [])];
  if (v.knowRoles) context.roles = parseList(v.roles);
  if (v.knowTenants) context.tenants = parseList(v.tenants);
  if (v.firebase === 'yes' || v.firebase === 'no') context.firebaseSignerKeySet = v.firebase === 'yes';
  return context;
}

/** One sentence on what the core would answer. */
export function verdictSummary(verdict) {
  const total = verdict.users.length;
  const failing = verdict.users.filter((u) => u.errors.length > 0 || u.coreWouldCrash).length;
  const users = (n) => `${n.toLocaleString('en')} user${n === 1 ? '' : 's'}`;
  if (verdict.status === 200) return `The core would accept the request: ${users(total)} staged for import.`;
  if (verdict.status === 500) {
    return `The core would fail with HTTP 500${verdict.crashedAt === null || verdict.crashedAt === undefined ? '' : ` at user ${verdict.crashedAt}`}: nothing is imported.`;
  }
  if (total === 0) return 'The core would reject the request as a whole: nothing is imported.';
  return `The core would reject the request: ${users(failing)} of ${total.toLocaleString('en')} ha${failing === 1 ? 's' : 've'} errors, and nothing is imported.`;
}

/** What each skipped check is, and what to tell the form so it runs (src/supertokens/context.rs). */
const SKIPPED = {
  'mfa-feature': ['MFA must be enabled to import TOTP devices', 'tick "I know the enabled features"'],
  'account-linking-feature': ['account linking must be enabled to import several login methods', 'tick "I know the enabled features"'],
  'multi-tenancy-feature': ['multitenancy must be enabled for tenant ids other than public', 'tick "I know the enabled features"'],
  'tenant-exists': ['every tenant id must exist', 'tick "I know the tenants"'],
  'role-exists': ['every role must exist', 'tick "I know the roles"'],
  'same-database': ['all tenants of a user must share one database', 'the tenants\' user pools are not asked for here'],
  'firebase-signer-key': ['firebase scrypt needs the signer key configured (500 otherwise)', 'say whether the signer key is set'],
  'time-joined-in-future': ['timeJoined cannot be in the future', 'the core\'s clock is unknown'],
};

/** A skipped check's id in words: "role-exists: every role must exist … (to run it: …)". */
export function describeSkippedCheck(id) {
  const known = SKIPPED[id];
  return known ? `${id}: ${known[0]} (to run it: ${known[1]})` : id;
}
