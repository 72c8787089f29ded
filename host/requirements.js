// What a set of bulk-import users needs from the core, and what to change on the core when it is missing
// (spec §5: features from /ee/featureflag, roles, tenants; the firebase signer key is not exposed).

/**
 * @typedef {object} Requirements
 * @property {number} users
 * @property {number} totpUsers        users with a `totpDevices` key (even `[]`): need `mfa` (§4.2)
 * @property {number} linkingUsers     users with several login methods or an `isPrimary: true`: need `account_linking`
 * @property {number} tenantUsers      users with a tenant id other than exactly `public`: need `multi_tenancy` (§4.3)
 * @property {Record<string, number>} tenants  normalised tenant id (trim + lower-case) -> users needing it
 * @property {Record<string, number>} roles    trimmed role -> users having it
 * @property {number} firebaseUsers    users with an emailpassword `firebase_scrypt` hash: need the signer key (§4.4)
 */

/**
 * @typedef {object} CoreContext
 * @property {string[]} features
 * @property {string[]} roles
 * @property {string[]} tenants   tenant ids
 */

/**
 * @typedef {object} Problem
 * @property {'feature' | 'role' | 'tenant' | 'firebase'} kind
 * @property {string} message   what to change on the core, in one sentence
 */

/** @returns {Requirements} */
export function emptyRequirements() {
  return { users: 0, totpUsers: 0, linkingUsers: 0, tenantUsers: 0, tenants: {}, roles: {}, firebaseUsers: 0 };
}

/**
 * Scans bulk-import users for what they need from the core.
 * @param {Iterable<any>} users
 * @param {Requirements} [into]  accumulate into an existing result (several batches)
 * @returns {Requirements}
 */
export function requirementsOf(users, into = emptyRequirements()) {
  for (const user of users) {
    into.users++;
    if (!user || typeof user !== 'object') continue;
    if (Object.hasOwn(user, 'totpDevices')) into.totpUsers++;
    const methods = Array.isArray(user.loginMethods) ? user.loginMethods : [];
    if (methods.length > 1 || methods.some((/** @type {any} */ m) => m && m.isPrimary === true)) into.linkingUsers++;

    /** @type {Set<string>} */
    const tenants = new Set();
    let otherTenant = false;
    /** @param {unknown} list */
    const addTenants = (list) => {
      if (!Array.isArray(list)) return;
      for (const t of list) {
        if (typeof t !== 'string' || t === 'public') continue;
        otherTenant = true;
        tenants.add(javaTrim(t).toLowerCase());
      }
    };
    for (const m of methods) if (m && typeof m === 'object') addTenants(m.tenantIds);
    /** @type {Set<string>} */
    const roles = new Set();
    if (Array.isArray(user.userRoles)) {
      for (const r of user.userRoles) {
        if (!r || typeof r !== 'object') continue;
        if (typeof r.role === 'string') roles.add(javaTrim(r.role));
        addTenants(r.tenantIds);
      }
    }
    if (otherTenant) into.tenantUsers++;
    for (const t of tenants) into.tenants[t] = (into.tenants[t] ?? 0) + 1;
    for (const r of roles) into.roles[r] = (into.roles[r] ?? 0) + 1;

    if (methods.some((/** @type {any} */ m) => m && m.recipeId === 'emailpassword' && typeof m.hashingAlgorithm === 'string'
      && javaTrim(m.hashingAlgorithm).toUpperCase() === 'FIREBASE_SCRYPT')) {
      into.firebaseUsers++;
    }
  }
  return into;
}

/**
 * Compares requirements with the core's context; returns one problem per thing to change on the core.
 * @param {Requirements} req
 * @param {CoreContext} ctx
 * @param {{firebaseSignerKeySet?: boolean}} [opts]
 * @returns {Problem[]}
 */
export function checkRequirements(req, ctx, opts = {}) {
  /** @type {Problem[]} */
  const problems = [];
  const features = new Set(ctx.features);
  const feature = (/** @type {string} */ name, /** @type {number} */ n, /** @type {string} */ why) => {
    if (n > 0 && !features.has(name)) {
      problems.push({ kind: 'feature', message: `enable the ${name} feature (needed by ${users(n)} ${why})` });
    }
  };
  feature('mfa', req.totpUsers, 'with TOTP devices');
  feature('account_linking', req.linkingUsers, 'with several login methods or isPrimary');
  feature('multi_tenancy', req.tenantUsers, 'on tenants other than public');

  const tenants = new Set(ctx.tenants.map((t) => t.toLowerCase()));
  for (const [t, n] of Object.entries(req.tenants).sort()) {
    if (t === 'public' || tenants.has(t)) continue;
    problems.push({
      kind: 'tenant',
      message: `create tenant ${t} (needed by ${users(n)}): PUT /recipe/multitenancy/tenant/v2 with ${JSON.stringify({ tenantId: t })}`,
    });
  }
  const roles = new Set(ctx.roles);
  for (const [r, n] of Object.entries(req.roles).sort()) {
    if (roles.has(r)) continue;
    problems.push({
      kind: 'role',
      message: `create role ${r} (needed by ${users(n)}): PUT /recipe/role with ${JSON.stringify({ role: r, permissions: [] })}`,
    });
  }
  if (req.firebaseUsers > 0 && !opts.firebaseSignerKeySet) {
    problems.push({
      kind: 'firebase',
      message: `${users(req.firebaseUsers)} have firebase_scrypt password hashes: configure the core with ` +
        `firebase_password_hashing_signer_key (the value in the signer-key file written by convert), ` +
        `then rerun with --firebase-signer-key-set (without the key the core answers HTTP 500 to the whole batch)`,
    });
  }
  return problems;
}

/** @param {number} n */
function users(n) {
  return n === 1 ? '1 user' : `${n} users`;
}

/** Java `String.trim()`: strips chars <= U+0020 at both ends (spec §3.1). @param {string} s */
export function javaTrim(s) {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 0x20) a++;
  while (b > a && s.charCodeAt(b - 1) <= 0x20) b--;
  return s.slice(a, b);
}
