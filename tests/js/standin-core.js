// TEST DOUBLE — never shipped. A stand-in for the SuperTokens core's bulk-import API, implementing the
// documented contract of /work/shared/spec/supertokens-bulk-import.md §1 (and the few core-driver-interface
// endpoints undo uses), so the host can be tested without a JVM:
//
// - non-2xx bodies are `text/html; charset=UTF-8` holding JSON (or plain) text with a trailing newline;
// - `api-key` check -> 401 `Invalid API key`;
// - POST /bulk-import/users: `users` missing -> 400 `Field name 'users' is invalid in JSON input`; > 10000 ->
//   400 {"error":"You can only add 10000 users at a time."}; users rejected by `rejectUser` -> 400 with the
//   core's `users` list (all-or-nothing); else 200 {"status":"OK","users":[…]} and rows stored NEW;
// - GET /bulk-import/users (limit ≤ 500, status, paginationToken = base64 `<id>;<createdAt>`, newest first,
//   nextPaginationToken only when more rows exist), GET /bulk-import/users/count, POST /bulk-import/users/remove
//   (≤ 500 ids), POST /bulk-import/import;
// - `process()`: the cron, on demand: each NEW/PROCESSING row is FAILED (with `processUser`'s message) or
//   imported (row deleted, user + external id mapping recorded);
// - GET /ee/featureflag, /recipe/roles, /recipe/multitenancy/tenant/list/v2, /recipe/userid/map;
//   POST /user/remove.
// - What supertokens-node 24 (CDI 5.4) calls for EmailPassword sign-in / sign-up with sessions (found by
//   logging this stand-in's requests during tests/js/lazy-express.test.js): GET /apiversion,
//   GET /<tenant>/recipe/multitenancy/tenant/v2, POST /<tenant>/recipe/signin (checks a plainTextPassword kept in clear, or a bcrypt/argon2 hash with the
//   wasm verifyPassword), POST /<tenant>/recipe/signup, POST /<tenant>/recipe/session (a plausible session
//   body with an unsigned v5-shaped access token), GET /<tenant>/users/by-accountinfo, GET /user/id. Users
//   imported with POST /bulk-import/import keep their email-password login methods for those endpoints, and
//   every accepted import body is kept in `state.importBodies`. Responses use the external id when mapped,
//   as the core does.
// Fault injection, drawn from a seeded PRNG: 429 with Retry-After, 500, connection dropped before or AFTER the
// request was processed (the hard case for exactly-once), slow answers (after processing), random latency.

import http from 'node:http';
import { randomUUID } from 'node:crypto';
import core from '../../host/wasm.js';

/**
 * @typedef {'429' | '500' | 'drop-before' | 'drop-after' | 'slow'} FaultKind
 */

/**
 * @typedef {object} StandinOptions
 * @property {string} [apiKey]
 * @property {string[]} [features]
 * @property {string[]} [roles]
 * @property {string[]} [tenants]
 * @property {number} [seed]
 */

/** mulberry32: small, seeded, good enough for tests. @param {number} seed */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/** @param {StandinOptions} [opts] */
export async function startStandin(opts = {}) {
  const state = {
    apiKey: opts.apiKey,
    features: opts.features ?? ['account_linking', 'multi_tenancy', 'mfa'],
    roles: opts.roles ?? [],
    tenants: opts.tenants ?? ['public'],
    /** rows sorted by (createdAt, id) ascending @type {any[]} */
    rows: [],
    lastCreatedAt: 0,
    /** imported users: user id -> {externalUserId, and for users made by /bulk-import/import or
     *  /recipe/signup: timeJoined and login methods} @type {Map<string, {externalUserId: string | null, timeJoined?: number, loginMethods?: any[]}>} */
    users: new Map(),
    /** every body POST /bulk-import/import accepted, in order @type {any[]} */
    importBodies: [],
    /** sessions made by POST /recipe/session @type {{handle: string, userId: string, tenantId: string}[]} */
    sessions: [],
    /** external id -> super tokens user id @type {Map<string, string>} */
    mappings: new Map(),
    /** external id (or row id) -> how many times it was stored by POST /bulk-import/users @type {Map<string, number>} */
    stagedCount: new Map(),
    /** @type {{method: string, path: string, status: number | string}[]} */
    requests: [],
    /** @type {(user: any, index: number) => string[] | null} */
    rejectUser: () => null,
    /** @type {(row: any) => string | null | false}  an errorMessage -> FAILED; null -> imported; false -> left queued */
    processUser: () => null,
    faults: {
      ratio: 0,
      /** @type {FaultKind[]} */
      kinds: ['429', '500', 'drop-before', 'drop-after', 'slow'],
      retryAfter: '0',
      slowMs: 400,
      /** only these paths get faults (all when empty) @type {string[]} */
      paths: [],
      /** faults forced on the next matching requests, consumed in order @type {{method: string, path: string, kind: FaultKind}[]} */
      forced: [],
    },
    /** answer a request with [status, body] instead of the normal handler, when it returns non-null
     *  @type {(method: string, path: string) => [number, unknown] | null} */
    override: () => null,
    /** [min, max] ms added before answering (after processing) @type {[number, number]} */
    latencyMs: [0, 0],
    /** only these "METHOD /path" get the latency (all when empty) @type {string[]} */
    latencyPaths: [],
    rand: prng(opts.seed ?? 1),
  };

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((err) => {
        if (!res.headersSent) send(res, 500, `java.lang.RuntimeException: ${err.message}`);
      });
    });
  });

  /** @param {http.ServerResponse} res @param {number} status @param {unknown} body */
  function send(res, status, body) {
    if (res.destroyed) return;
    const ok = status >= 200 && status < 300;
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {
      'content-type': ok ? 'application/json; charset=UTF-8' : 'text/html; charset=UTF-8',
      ...(status === 429 ? { 'retry-after': state.faults.retryAfter } : {}),
    });
    res.end(ok ? text : `${text}\n`);
  }

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {string} text */
  async function handle(req, res, text) {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const log = { method: req.method ?? '', path, status: /** @type {number | string} */ (0) };
    state.requests.push(log);

    /** @type {FaultKind | null} */
    let fault = null;
    const f = state.faults;
    const forced = f.forced.findIndex((x) => x.method === req.method && x.path === path);
    if (forced >= 0) {
      fault = f.forced[forced].kind;
      f.forced.splice(forced, 1);
    } else if (f.ratio > 0 && (f.paths.length === 0 || f.paths.includes(path)) && state.rand() < f.ratio) {
      fault = f.kinds[Math.floor(state.rand() * f.kinds.length)];
    }
    if (fault === 'drop-before') {
      log.status = 'dropped-before';
      req.socket.destroy();
      return;
    }
    if (fault === '429' || fault === '500') {
      log.status = Number(fault);
      send(res, Number(fault), fault === '429' ? 'Too many requests' : 'java.lang.RuntimeException: injected fault');
      return;
    }
    if (state.apiKey !== undefined && req.headers['api-key'] !== state.apiKey) {
      log.status = 401;
      send(res, 401, 'Invalid API key');
      return;
    }
    const [status, body] = state.override(req.method ?? 'GET', path) ?? route(req.method ?? 'GET', path, url.searchParams, text);
    const [lo, hi] = state.latencyMs;
    if (hi > 0 && (state.latencyPaths.length === 0 || state.latencyPaths.includes(`${req.method} ${path}`))) {
      await sleep(lo + state.rand() * (hi - lo));
    }
    if (fault === 'drop-after') {
      log.status = 'dropped-after';
      req.socket.destroy();
      return;
    }
    if (fault === 'slow') await sleep(f.slowMs);
    log.status = status;
    send(res, status, body);
  }

  /**
   * @param {string} method @param {string} path @param {URLSearchParams} q @param {string} text
   * @returns {[number, unknown]}
   */
  function route(method, path, q, text) {
    /** @returns {any} */
    const json = () => {
      try {
        const v = JSON.parse(text);
        return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
      } catch {
        return undefined;
      }
    };
    const key = `${method} ${path}`;
    switch (key) {
      case 'POST /bulk-import/users': {
        const body = json();
        if (body === undefined) return [400, 'Invalid Json Input'];
        if (!Array.isArray(body.users)) return [400, "Field name 'users' is invalid in JSON input"];
        if (body.users.length === 0) return [200, { status: 'OK' }];
        if (body.users.length > 10000) return [400, { error: 'You can only add 10000 users at a time.' }];
        const invalid = [];
        body.users.forEach((/** @type {any} */ u, /** @type {number} */ i) => {
          const errors = state.rejectUser(u, i);
          if (errors && errors.length) invalid.push({ index: i, errors });
        });
        if (invalid.length) {
          return [400, { error: 'Data has missing or invalid fields. Please check the users field for more details.', users: invalid }];
        }
        const createdAt = Math.max(Date.now(), state.lastCreatedAt + 1);
        state.lastCreatedAt = createdAt;
        const added = body.users.map((/** @type {any} */ u) => {
          const id = randomUUID();
          const ext = typeof u.externalUserId === 'string' ? u.externalUserId.trim() : undefined;
          const countKey = ext ?? id;
          state.stagedCount.set(countKey, (state.stagedCount.get(countKey) ?? 0) + 1);
          return { id, externalUserId: ext, status: 'NEW', loginMethods: normaliseMethods(u.loginMethods), raw: u, createdAt, updatedAt: createdAt };
        });
        state.rows.push(...[...added].sort((a, b) => (a.id < b.id ? -1 : 1)));
        return [200, {
          status: 'OK',
          users: added.map((/** @type {any} */ r) => ({ userId: r.externalUserId ?? r.id, loginMethods: [] })),
        }];
      }
      case 'GET /bulk-import/users': {
        const limit = q.has('limit') ? Number(q.get('limit')) : 100;
        if (!Number.isInteger(limit)) return [400, "Field name 'limit' must be an int in the GET request"];
        if (limit > 500) return [400, 'Max limit allowed is 500'];
        if (limit < 1) return [400, 'limit must a positive integer with min value 1'];
        const status = q.get('status');
        if (status !== null && !['NEW', 'PROCESSING', 'FAILED'].includes(status)) {
          return [400, 'Invalid value for status. Pass one of NEW, PROCESSING, or FAILED!'];
        }
        let start = state.rows.length - 1;
        const token = q.get('paginationToken');
        if (token !== null) {
          const decoded = Buffer.from(token, 'base64').toString('utf8').split(';');
          const createdAt = Number(decoded[1]);
          if (decoded.length !== 2 || !Number.isFinite(createdAt)) return [400, 'invalid pagination token'];
          const id = decoded[0];
          // first row (newest first) with (createdAt, id) <= token
          start = -1;
          for (let i = state.rows.length - 1; i >= 0; i--) {
            const r = state.rows[i];
            if (r.createdAt < createdAt || (r.createdAt === createdAt && r.id <= id)) { start = i; break; }
          }
        }
        const out = [];
        let next;
        for (let i = start; i >= 0; i--) {
          const r = state.rows[i];
          if (status !== null && r.status !== status) continue;
          if (out.length === limit) { next = r; break; }
          out.push(r);
        }
        return [200, {
          status: 'OK',
          users: out.map(rowJson),
          ...(next ? { nextPaginationToken: Buffer.from(`${next.id};${next.createdAt}`).toString('base64') } : {}),
        }];
      }
      case 'GET /bulk-import/users/count': {
        const status = q.get('status');
        if (status !== null && !['NEW', 'PROCESSING', 'FAILED'].includes(status)) {
          return [400, 'Invalid value for status. Pass one of NEW, PROCESSING, or FAILED!'];
        }
        return [200, { status: 'OK', count: state.rows.filter((r) => status === null || r.status === status).length }];
      }
      case 'POST /bulk-import/users/remove': {
        const body = json();
        if (!body || !Array.isArray(body.ids) || body.ids.some((/** @type {unknown} */ x) => typeof x !== 'string')) {
          return [400, "Field name 'ids' is invalid in JSON input"];
        }
        if (body.ids.length > 500) return [400, "Field name 'ids' cannot contain more than 500 elements"];
        if (body.ids.includes('')) return [400, "Field name 'ids' cannot contain an empty string"];
        const ids = new Set(body.ids);
        const deletedIds = [];
        state.rows = state.rows.filter((r) => {
          if (!ids.has(r.id)) return true;
          deletedIds.push(r.id);
          return false;
        });
        const deleted = new Set(deletedIds);
        return [200, { deletedIds, invalidIds: body.ids.filter((/** @type {string} */ x) => !deleted.has(x)) }];
      }
      case 'POST /bulk-import/import': {
        const user = json();
        if (!user) return [400, 'Invalid Json Input'];
        const errors = state.rejectUser(user, 0);
        if (errors && errors.length) return [400, { errors }];
        const ext = typeof user.externalUserId === 'string' ? user.externalUserId.trim() : null;
        if (ext && state.mappings.has(ext)) return [400, { errors: [`E031: A user with externalId ${ext} already exists`] }];
        const methods = normaliseMethods(user.loginMethods).filter((m) => m.recipeId === 'emailpassword' && typeof m.email === 'string');
        for (const m of methods) {
          if (findEmailPassword(m.email, m.tenantIds[0])) {
            return [400, { errors: [`E003: A user with email ${m.email} already exists in emailpassword loginMethod.`] }];
          }
        }
        const id = randomUUID();
        addUser(id, ext);
        state.importBodies.push(user);
        if (methods.length) {
          const timeJoined = Date.now();
          /** @type {any} */ (state.users.get(id)).timeJoined = timeJoined;
          /** @type {any} */ (state.users.get(id)).loginMethods = methods.map((m) => ({
            recipeId: 'emailpassword', email: m.email, tenantIds: m.tenantIds, verified: m.isVerified === true,
            timeJoined: m.timeJoinedInMSSinceEpoch ?? timeJoined,
            passwordHash: m.passwordHash, hashingAlgorithm: m.hashingAlgorithm, plainTextPassword: m.plainTextPassword,
          }));
          return [200, { status: 'OK', user: userJson(id) }];
        }
        return [200, { status: 'OK', user: { id: ext ?? id, isPrimaryUser: false, tenantIds: ['public'], timeJoined: Date.now(), emails: [], phoneNumbers: [], thirdParty: [], loginMethods: [] } }];
      }
      case 'GET /ee/featureflag':
        return [200, { status: 'OK', features: state.features, usageStats: {} }];
      case 'GET /recipe/roles':
        return [200, { status: 'OK', roles: state.roles }];
      case 'GET /recipe/multitenancy/tenant/list/v2':
        return [200, { status: 'OK', tenants: state.tenants.map((tenantId) => ({ tenantId })) }];
      case 'GET /recipe/userid/map': {
        const userId = q.get('userId');
        const type = q.get('userIdType') ?? 'ANY';
        if (!userId) return [400, "Field name 'userId' is missing in GET request"];
        if (type === 'EXTERNAL' || type === 'ANY') {
          const st = state.mappings.get(userId);
          if (st) return [200, { status: 'OK', superTokensUserId: st, externalUserId: userId }];
        }
        if (type === 'SUPERTOKENS' || type === 'ANY') {
          const u = state.users.get(userId);
          if (u?.externalUserId) return [200, { status: 'OK', superTokensUserId: userId, externalUserId: u.externalUserId }];
        }
        return [200, { status: 'UNKNOWN_MAPPING_ERROR' }];
      }
      case 'POST /user/remove': {
        const body = json();
        if (!body || typeof body.userId !== 'string') return [400, "Field name 'userId' is invalid in JSON input"];
        let id = body.userId;
        if (!state.users.has(id) && state.mappings.has(id)) id = /** @type {string} */ (state.mappings.get(id));
        const u = state.users.get(id);
        if (u) {
          state.users.delete(id);
          if (u.externalUserId) state.mappings.delete(u.externalUserId);
        }
        return [200, { status: 'OK' }];
      }
      default:
        return sdkRoute(method, path, q, json);
    }
  }

  /**
   * The endpoints supertokens-node 24 calls for EmailPassword sign-in / sign-up and session creation.
   * @param {string} method @param {string} path @param {URLSearchParams} q @param {() => any} json
   * @returns {[number, unknown]}
   */
  function sdkRoute(method, path, q, json) {
    // CDI paths carry the tenant: /<tenantId>/recipe/signin (the SDK drops `public` on some, not all)
    const m = /^(?:\/([^/]+))?(\/(?:recipe\/signin|recipe\/signup|recipe\/session|users\/by-accountinfo|recipe\/multitenancy\/tenant\/v2))$/.exec(path);
    const tenantId = m?.[1] ?? 'public';
    const key = `${method} ${m ? m[2] : path}`;
    switch (key) {
      case 'GET /apiversion':
        return [200, { versions: ['5.4'] }];
      case 'GET /recipe/multitenancy/tenant/v2':
        // firstFactors absent: every factor the SDK's recipes offer is allowed (as on a fresh core)
        return state.tenants.includes(tenantId)
          ? [200, { status: 'OK', tenantId, thirdParty: { providers: [] }, coreConfig: {} }]
          : [200, { status: 'TENANT_NOT_FOUND_ERROR' }];
      case 'POST /recipe/signin': {
        const body = json();
        if (!body || typeof body.email !== 'string' || typeof body.password !== 'string') return [400, 'Invalid Json Input'];
        const found = findEmailPassword(body.email.trim().toLowerCase(), tenantId);
        if (!found || !passwordMatches(found.method, body.password)) return [200, { status: 'WRONG_CREDENTIALS_ERROR' }];
        return [200, { status: 'OK', user: userJson(found.id), recipeUserId: publicId(found.id) }];
      }
      case 'POST /recipe/signup': {
        const body = json();
        if (!body || typeof body.email !== 'string' || typeof body.password !== 'string') return [400, 'Invalid Json Input'];
        const email = body.email.trim().toLowerCase();
        if (findEmailPassword(email, tenantId)) return [200, { status: 'EMAIL_ALREADY_EXISTS_ERROR' }];
        const id = randomUUID();
        const timeJoined = Date.now();
        state.users.set(id, { externalUserId: null, timeJoined, loginMethods: [{ recipeId: 'emailpassword', email, tenantIds: [tenantId], verified: false, timeJoined, plainTextPassword: body.password }] });
        return [200, { status: 'OK', user: userJson(id), recipeUserId: id }];
      }
      case 'POST /recipe/session': {
        const body = json();
        if (!body || typeof body.userId !== 'string') return [400, "Field name 'userId' is invalid in JSON input"];
        const now = Date.now();
        const handle = randomUUID();
        state.sessions.push({ handle, userId: body.userId, tenantId });
        const b64 = (/** @type {unknown} */ v) => Buffer.from(JSON.stringify(v)).toString('base64url');
        const payload = { ...(body.userDataInJWT ?? {}), sub: body.userId, rsub: body.userId, tId: tenantId, sessionHandle: handle,
          refreshTokenHash1: 'standin', parentRefreshTokenHash1: null, antiCsrfToken: null, iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + 3600, iss: 'standin' };
        const token = `${b64({ alg: 'RS256', typ: 'JWT', version: '5', kid: 's-standin' })}.${b64(payload)}.c3RhbmRpbg`;
        return [200, {
          status: 'OK',
          session: { handle, userId: body.userId, recipeUserId: body.userId, userDataInJWT: body.userDataInJWT ?? {}, tenantId },
          accessToken: { token, expiry: now + 3_600_000, createdTime: now },
          refreshToken: { token: randomUUID(), expiry: now + 8_640_000_000, createdTime: now },
        }];
      }
      case 'GET /users/by-accountinfo': {
        const email = q.get('email')?.trim().toLowerCase();
        const users = [];
        for (const [id, u] of state.users) {
          if (email && u.loginMethods?.some((lm) => lm.email === email && lm.tenantIds.includes(tenantId))) users.push(userJson(id));
        }
        return [200, { status: 'OK', users }];
      }
      case 'GET /user/id': {
        const userId = q.get('userId') ?? '';
        const id = state.users.has(userId) ? userId : state.mappings.get(userId);
        return id && state.users.get(id)?.loginMethods ? [200, { status: 'OK', user: userJson(id) }] : [200, { status: 'UNKNOWN_USER_ID_ERROR' }];
      }
      default:
        return [404, 'Not found'];
    }
  }

  /** The id the core shows for a user: its external id when mapped. @param {string} id */
  function publicId(id) {
    return state.users.get(id)?.externalUserId ?? id;
  }

  /** The core's user JSON (CDI 5.x `User`) for an imported or signed-up user. @param {string} id */
  function userJson(id) {
    const u = /** @type {any} */ (state.users.get(id));
    const pid = publicId(id);
    const methods = u.loginMethods ?? [];
    return {
      id: pid,
      isPrimaryUser: false,
      tenantIds: [...new Set(methods.flatMap((/** @type {any} */ lm) => lm.tenantIds))],
      timeJoined: u.timeJoined ?? Date.now(),
      emails: methods.map((/** @type {any} */ lm) => lm.email),
      phoneNumbers: [],
      thirdParty: [],
      webauthn: { credentialIds: [] },
      loginMethods: methods.map((/** @type {any} */ lm) => ({
        tenantIds: lm.tenantIds, recipeUserId: pid, verified: lm.verified, timeJoined: lm.timeJoined, recipeId: 'emailpassword', email: lm.email,
      })),
    };
  }

  /** The email-password login method with this (normalised) email in this tenant. @param {string} email @param {string} tenantId */
  function findEmailPassword(email, tenantId) {
    for (const [id, u] of state.users) {
      const method = u.loginMethods?.find((lm) => lm.recipeId === 'emailpassword' && lm.email === email && lm.tenantIds.includes(tenantId));
      if (method) return { id, method };
    }
    return undefined;
  }

  /** The stand-in keeps plainTextPassword in clear; hashes are checked like the core, with the wasm verifier. @param {any} lm @param {string} password */
  function passwordMatches(lm, password) {
    if (typeof lm.plainTextPassword === 'string') return lm.plainTextPassword === password;
    if (typeof lm.passwordHash !== 'string') return false;
    const algo = String(lm.hashingAlgorithm ?? '').trim().toLowerCase();
    /** @type {string | undefined} */
    let hasher;
    if (algo === 'bcrypt') hasher = 'bcrypt';
    else if (algo === 'argon2') hasher = /^\$argon2id\$/.test(lm.passwordHash) ? 'argon2id' : /^\$argon2i\$/.test(lm.passwordHash) ? 'argon2i' : undefined;
    if (!hasher) return false;
    try {
      return core.verifyPassword({ hasher, digest: lm.passwordHash, password });
    } catch {
      return false;
    }
  }

  /** @param {string} id @param {string | null} ext */
  function addUser(id, ext) {
    state.users.set(id, { externalUserId: ext });
    if (ext) state.mappings.set(ext, id);
  }

  /** @param {any} r */
  function rowJson(r) {
    return {
      id: r.id,
      ...(r.externalUserId !== undefined ? { externalUserId: r.externalUserId } : {}),
      loginMethods: r.loginMethods,
      status: r.status,
      ...(r.errorMessage !== undefined ? { errorMessage: r.errorMessage } : {}),
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    };
  }

  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());

  return {
    url: `http://127.0.0.1:${address.port}`,
    state,
    /** The cron, on demand: FAILED by `processUser`'s message, imported when it returns null (row deleted,
     *  user and mapping added), left queued when it returns false. */
    process() {
      const now = Date.now();
      state.rows = state.rows.filter((r) => {
        if (r.status === 'FAILED') return true;
        let message = state.processUser(r);
        if (message === false) return true;
        if (message === null && r.externalUserId && state.mappings.has(r.externalUserId)) {
          message = `E031: A user with externalId ${r.externalUserId} already exists`;
        }
        if (message !== null) {
          r.status = 'FAILED';
          r.errorMessage = message;
          r.updatedAt = now;
          return true;
        }
        addUser(r.id, r.externalUserId ?? null);
        return false;
      });
    },
    /** Every stored row id and imported user id, and their external ids. */
    allExternalIds() {
      return [...state.rows.map((r) => r.externalUserId), ...[...state.users.values()].map((u) => u.externalUserId)];
    },
    /** @param {string} method @param {string} path */
    countRequests(method, path) {
      return state.requests.filter((r) => r.method === method && r.path === path).length;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

/** What the core stores of login methods (§1.2): lower-cased trimmed email; the rest as given. @param {any} lms */
function normaliseMethods(lms) {
  if (!Array.isArray(lms)) return [];
  return lms.map((m) => ({
    ...m,
    ...(typeof m?.email === 'string' ? { email: m.email.trim().toLowerCase() } : {}),
    tenantIds: m?.tenantIds ?? ['public'],
  }));
}
