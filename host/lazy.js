// Lazy (trickle) migration inside a Node backend: at sign-in, find the legacy Clerk user (a local store built
// from a Dashboard export, and/or Clerk's Backend API), check the password, convert the user in-process with
// the same mapping as `convert`, and import it with POST /bulk-import/import (spec §1.6, §10).
//
// Secrets (the password typed, digests, TOTP secrets) stay in memory: they never reach an event, an error
// message or a log line, and neither does the email.

import { EventEmitter } from 'node:events';
import { createReadStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import core from './wasm.js';
import { CoreClient } from './core-client.js';
import { importUser } from './api-submit.js';

/**
 * Converts one Clerk user for POST /bulk-import/import with the password the user just proved: the same
 * mapping as `convert`; the digest when the core can verify it (bcrypt, argon2), `plainTextPassword`
 * otherwise. `user` is a normalised user (LegacyStore), a Backend API `User` (snake_case) or a
 * `@clerk/backend` `User` (camelCase, with `_raw`). Throws an Error with code `not-importable` and
 * `diagnostics` when the core would refuse the user.
 * @param {object | string} user
 * @param {string} password
 * @param {object} [options] ConvertOptions
 * @returns {{user: Record<string, unknown>, warnings: object[]}}
 */
export function lazyImportBody(user, password, options) {
  return JSON.parse(core.lazyImportBody(user, password, options));
}

const STORE_ONLY_OPTIONS = ['withApi', 'pepper', 'signerKey', 'chunkSize'];

/**
 * Builds an in-memory legacy store from a Clerk Dashboard CSV (and optionally Backend API JSON files,
 * streamed first, as `convert --with-api` does). Digests and TOTP secrets are held in memory only.
 * @param {string} csvPath
 * @param {{withApi?: string[], pepper?: string, signerKey?: string, chunkSize?: number} & Record<string, unknown>} [options]
 *   `pepper`: bcrypt_peppered's pepper when digests do not carry it; `signerKey`: the firebase project's base64
 *   signer key (only for digests in the core's `$f_scrypt$` form); the rest are ConvertOptions.
 */
export async function createLegacyStore(csvPath, options = {}) {
  const convertOptions = Object.fromEntries(Object.entries(options).filter(([k]) => !STORE_ONLY_OPTIONS.includes(k)));
  const store = new core.LegacyStore(convertOptions);
  const highWaterMark = options.chunkSize ?? 1 << 20;
  for (const path of options.withApi ?? []) {
    for await (const chunk of createReadStream(path, { highWaterMark })) store.pushApi(chunk);
    store.endApiFile();
  }
  for await (const chunk of createReadStream(csvPath, { highWaterMark })) store.push(chunk);
  const summary = store.finish();
  return new LocalLegacyStore(store, summary, { pepper: options.pepper, signerKey: options.signerKey });
}

/** A legacy store: users by email, and password checks with the wasm `verifyPassword` (every public hasher). */
export class LocalLegacyStore {
  /** @param {any} store core.LegacyStore @param {any} summary @param {{pepper?: string, signerKey?: string}} secrets */
  constructor(store, summary, secrets) {
    /** @private */
    this.store = store;
    /** how the export's records were read */
    this.summary = summary;
    /** @private */
    this.secrets = secrets;
  }

  /** users held */
  get size() {
    return this.store.size;
  }

  /** The normalised user with this email (any of theirs, case-insensitive), or undefined. Holds secrets. */
  findByEmail(/** @type {string} */ email) {
    return this.store.findByEmail(email);
  }

  /**
   * true / false for the user's digest; throws an Error with `code` when it cannot be checked (no password:
   * `no-password`; unknown or unverifiable hasher, malformed digest: the wasm codes).
   * @param {{password?: {hasher: string, digest: string}}} user @param {string} password
   */
  verifyPassword(user, password) {
    if (!user.password) throw Object.assign(new Error('the user has no password in the export'), { code: 'no-password' });
    const input = { hasher: user.password.hasher, digest: user.password.digest, password };
    if (this.secrets.pepper !== undefined) input.pepper = this.secrets.pepper;
    if (this.secrets.signerKey !== undefined) input.signerKey = this.secrets.signerKey;
    return core.verifyPassword(input);
  }
}

/**
 * A per-key mutex. `run(key, fn)` runs fn once every earlier holder of `key` has finished.
 */
class KeyedLock {
  constructor() {
    /** @type {Map<string, Promise<void>>} */
    this.tails = new Map();
  }

  /** @template T @param {string} key @param {() => Promise<T>} fn @returns {Promise<T>} */
  async run(key, fn) {
    const previous = this.tails.get(key) ?? Promise.resolve();
    /** @type {() => void} */
    let release = () => {};
    const mine = new Promise((resolve) => { release = () => resolve(undefined); });
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  get size() {
    return this.tails.size;
  }
}

/** Replaces every occurrence of the given secrets in a text. */
function scrub(/** @type {string} */ text, /** @type {(string | undefined)[]} */ secrets) {
  let out = String(text);
  for (const s of secrets) {
    if (!s) continue;
    const re = new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
    out = out.replace(re, '[redacted]');
  }
  return out;
}

/** ClerkAPIResponseError → HTTP status (or undefined). */
function clerkStatus(/** @type {any} */ err) {
  return typeof err?.status === 'number' ? err.status : undefined;
}

/**
 * @param {{
 *   core: string, apiKey?: string, clerk?: any, store?: LocalLegacyStore | any, options?: object,
 *   onEvent?: (event: object) => void, maxRetries?: number, timeoutMs?: number, retryBaseMs?: number,
 * }} config
 */
export function createLazyMigrator(config) {
  return new LazyMigrator(config);
}

export class LazyMigrator extends EventEmitter {
  /** @param {Parameters<typeof createLazyMigrator>[0]} config */
  constructor(config) {
    super();
    if (!config || typeof config.core !== 'string') throw Object.assign(new TypeError('createLazyMigrator: `core` (the core URL) is required'), { code: 'ERR_USAGE' });
    if (!config.clerk && !config.store) throw Object.assign(new TypeError('createLazyMigrator: give a `store`, a `clerk` client, or both'), { code: 'ERR_USAGE' });
    /** @private */
    this.connect = {
      core: config.core,
      apiKey: config.apiKey,
      // A person is waiting at the sign-in form: fail fast rather than retry for minutes.
      maxRetries: config.maxRetries ?? 2,
      timeoutMs: config.timeoutMs ?? 10_000,
      retryBaseMs: config.retryBaseMs ?? 200,
    };
    /** @private */
    this.client = new CoreClient(this.connect);
    this.clerk = config.clerk;
    this.store = config.store;
    this.options = config.options ?? {};
    if (config.onEvent) this.on('outcome', config.onEvent);
    /** @private */
    this.locks = new KeyedLock();
  }

  /**
   * Signs a legacy user in: see index.d.ts (`LazyMigrator.signIn`). Never throws for a sign-in outcome;
   * `failed` carries a `reason`.
   * @param {string} email @param {string} password
   */
  async signIn(email, password) {
    const start = performance.now();
    /** @type {{status: string, [k: string]: unknown}} */
    let result;
    /** @type {{source: 'store' | 'clerk', clerkUserId?: string}} */
    const ctx = { source: this.store ? 'store' : 'clerk' };
    try {
      if (typeof email !== 'string' || typeof password !== 'string' || email.trim() === '') {
        result = { status: 'failed', reason: 'invalid-input' };
      } else {
        const key = `email:${email.trim().toLowerCase()}`;
        result = await this.locks.run(key, () => this.signInLocked(email, password, ctx));
      }
    } catch (err) {
      result = { status: 'failed', reason: 'internal', detail: scrub(/** @type {any} */ (err)?.message ?? String(err), [email, password]) };
    }
    const durationMs = performance.now() - start;
    const out = { ...result, durationMs, source: ctx.source, ...(ctx.clerkUserId ? { clerkUserId: ctx.clerkUserId } : {}) };
    /** @type {Record<string, unknown>} */
    const event = { status: out.status, durationMs, source: ctx.source };
    if (ctx.clerkUserId) event.clerkUserId = ctx.clerkUserId;
    if (typeof out.reason === 'string') event.reason = out.reason;
    this.emit('outcome', event);
    return out;
  }

  /** @private @param {string} email @param {string} password @param {{source: 'store' | 'clerk', clerkUserId?: string}} ctx */
  async signInLocked(email, password, ctx) {
    // 1. Who is it? The local store first (no network, has the digest), then Clerk.
    /** @type {any} */
    let storeUser;
    if (this.store) {
      ctx.source = 'store';
      storeUser = this.store.findByEmail(email);
    }
    /** @type {any} */
    let clerkUser;
    if (!storeUser && this.clerk) {
      ctx.source = 'clerk';
      const found = await this.findInClerk(email);
      if ('failed' in found) return found.failed;
      clerkUser = found.user;
    }
    const legacyId = storeUser?.id ?? clerkUser?.id;
    if (!legacyId) return { status: 'not-legacy' };
    ctx.clerkUserId = legacyId;

    // 2. One sign-in per Clerk user at a time (two emails of one user, or a store and Clerk race).
    return this.locks.run(`id:${legacyId}`, async () => {
      try {
        if (await this.isMapped(legacyId)) return { status: 'not-legacy', reason: 'already-migrated' };
      } catch (err) {
        return { status: 'failed', reason: 'core-unavailable', detail: scrub(/** @type {any} */ (err)?.message ?? String(err), [email, password]) };
      }

      // 3. The password. The store's digest when it can be checked, else Clerk's verify_password.
      /** @type {any} */
      let user = storeUser ?? clerkUser;
      let verdict;
      if (storeUser) {
        try {
          verdict = this.store.verifyPassword(storeUser, password) ? 'ok' : 'wrong';
        } catch (err) {
          const code = /** @type {any} */ (err)?.code;
          if (!this.clerk) return code === 'no-password' ? { status: 'wrong-password', reason: 'no-password' } : { status: 'failed', reason: `unverifiable: ${code ?? 'error'}` };
          verdict = undefined; // ask Clerk
        }
      }
      if (verdict === undefined) {
        ctx.source = 'clerk';
        const checked = await this.verifyWithClerk(legacyId, password);
        if (checked !== 'ok') return checked;
        verdict = 'ok';
        // The store's user has the TOTP secret and the digest; keep it when there is one.
      }
      if (verdict === 'wrong') return { status: 'wrong-password' };

      // 4. Convert in-process, then import.
      let body;
      try {
        body = lazyImportBody(user, password, this.options);
      } catch (err) {
        const e = /** @type {any} */ (err);
        const codes = Array.isArray(e?.diagnostics) ? e.diagnostics.map((/** @type {any} */ d) => d.code) : [];
        return { status: 'failed', reason: 'not-importable', codes, detail: scrub(e?.message ?? '', [email, password]) };
      }
      try {
        const imported = await importUser(body.user, this.connect);
        return { status: 'migrated', user: imported, warnings: body.warnings.map((/** @type {any} */ w) => w.code) };
      } catch (err) {
        const e = /** @type {any} */ (err);
        // Another process (or a request whose answer was lost) imported the user first: the core's
        // externalUserId uniqueness refused this one. The mapping tells.
        if (e?.code === 'ERR_IMPORT_REJECTED' || e?.code === 'ERR_OUTCOME_UNKNOWN') {
          if (await this.isMapped(legacyId).catch(() => false)) return { status: 'not-legacy', reason: 'already-migrated' };
        }
        const errors = Array.isArray(e?.errors) ? e.errors.map((/** @type {string} */ m) => scrub(m, [email, password])) : undefined;
        return {
          status: 'failed',
          reason: e?.code === 'ERR_IMPORT_REJECTED' ? 'import-rejected' : 'core-unavailable',
          ...(errors ? { errors } : {}),
          detail: scrub(e?.message ?? String(err), [email, password]),
        };
      }
    });
  }

  /**
   * Is this email a legacy user, and are they migrated yet? For sign-up: refuse `legacy` emails
   * (EMAIL_ALREADY_EXISTS_ERROR). Checks no password; throws when Clerk or the core cannot be asked.
   * @param {string} email
   * @returns {Promise<{status: 'legacy' | 'migrated' | 'not-legacy', source: 'store' | 'clerk', clerkUserId?: string}>}
   */
  async lookup(email) {
    /** @type {'store' | 'clerk'} */
    let source = this.store ? 'store' : 'clerk';
    let id = this.store?.findByEmail(email)?.id;
    if (!id && this.clerk) {
      source = 'clerk';
      const found = await this.findInClerk(email);
      if ('failed' in found) throw Object.assign(new Error(`Clerk could not be asked (${/** @type {any} */ (found.failed).reason})`), { code: 'ERR_CLERK' });
      id = found.user?.id;
    }
    if (!id) return { status: 'not-legacy', source };
    return { status: (await this.isMapped(id)) ? 'migrated' : 'legacy', source, clerkUserId: id };
  }

  /** @private @param {string} email @returns {Promise<{user: any} | {failed: object}>} */
  async findInClerk(email) {
    let list;
    try {
      list = await this.clerk.users.getUserList({ emailAddress: [email.trim()] });
    } catch (err) {
      return { failed: { status: 'failed', reason: 'clerk-unavailable', httpStatus: clerkStatus(err) } };
    }
    const wanted = email.trim().toLowerCase();
    const users = (list?.data ?? list ?? []).filter((/** @type {any} */ u) =>
      (u.emailAddresses ?? u.email_addresses ?? []).some((/** @type {any} */ e) => String(e.emailAddress ?? e.email_address ?? '').toLowerCase() === wanted));
    if (users.length > 1) return { failed: { status: 'failed', reason: 'ambiguous-email' } };
    return { user: users[0] };
  }

  /** @private @param {string} userId @param {string} password @returns {Promise<'ok' | object>} */
  async verifyWithClerk(userId, password) {
    try {
      const res = await this.clerk.users.verifyPassword({ userId, password });
      return res?.verified === true ? 'ok' : { status: 'wrong-password' };
    } catch (err) {
      const status = clerkStatus(err);
      if (status === 422) return { status: 'wrong-password' };
      if (status === 400) return { status: 'wrong-password', reason: 'no-password' };
      if (status === 404) return { status: 'not-legacy', reason: 'deleted-in-clerk' };
      return { status: 'failed', reason: 'clerk-unavailable', ...(status ? { httpStatus: status } : {}) };
    }
  }

  /** @private @param {string} externalUserId */
  async isMapped(externalUserId) {
    const { body } = await this.client.get('/recipe/userid/map', { userId: externalUserId, userIdType: 'EXTERNAL' });
    return body?.status === 'OK';
  }
}

/**
 * The transition helper: who is signed in, by a SuperTokens session or, failing that, a Clerk session token
 * verified offline with `@clerk/backend`'s `verifyToken` (no network).
 * @param {{
 *   verifySuperTokensSession?: (req: any) => Promise<string | {getUserId(): string} | null | undefined>,
 *   jwtKey: string, authorizedParties?: string[], clockSkewInMs?: number,
 * }} config
 * @returns {(req: any) => Promise<{source: 'supertokens' | 'clerk', userId: string} | null>}
 */
export function createSessionFallback(config) {
  if (!config || typeof config.jwtKey !== 'string') {
    throw Object.assign(new TypeError('createSessionFallback: `jwtKey` (Clerk\'s PEM public key) is required'), { code: 'ERR_USAGE' });
  }
  /** @type {Promise<any> | undefined} */
  let clerkBackend;
  return async function sessionOf(req) {
    if (config.verifySuperTokensSession) {
      const session = await config.verifySuperTokensSession(req);
      const userId = typeof session === 'string' ? session : session?.getUserId?.();
      if (userId) return { source: 'supertokens', userId };
    }
    const token = clerkTokenOf(req);
    if (!token) return null;
    clerkBackend ??= import('@clerk/backend');
    const { verifyToken } = await clerkBackend;
    /** @type {any} */
    let payload;
    try {
      // @clerk/backend's public verifyToken returns the claims and throws a TokenVerificationError
      // (expired, bad signature, wrong azp, malformed…); nothing goes over the network with a jwtKey.
      payload = await verifyToken(token, {
        jwtKey: config.jwtKey,
        ...(config.authorizedParties ? { authorizedParties: config.authorizedParties } : {}),
        ...(config.clockSkewInMs !== undefined ? { clockSkewInMs: config.clockSkewInMs } : {}),
      });
    } catch {
      return null;
    }
    return typeof payload?.sub === 'string' && payload.sub !== '' ? { source: 'clerk', userId: payload.sub } : null;
  };
}

/** The Clerk session token of a request: `Authorization: Bearer …`, else the `__session` cookie. */
function clerkTokenOf(/** @type {any} */ req) {
  const headers = req?.headers ?? {};
  const get = (/** @type {string} */ name) => (typeof headers.get === 'function' ? headers.get(name) : headers[name]) ?? undefined;
  const auth = get('authorization');
  const bearer = typeof auth === 'string' ? /^Bearer\s+(\S+)$/i.exec(auth.trim()) : null;
  if (bearer) return bearer[1];
  const cookie = get('cookie');
  if (typeof cookie !== 'string') return undefined;
  for (const part of cookie.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === '__session') {
      const value = part.slice(i + 1).trim();
      try {
        return decodeURIComponent(value) || undefined;
      } catch {
        return value || undefined;
      }
    }
  }
  return undefined;
}
