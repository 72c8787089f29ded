// Types of host/lazy.js (hand-written; keep in step with it).
import type { ConvertOptions, ClerkUser, LazyImport, Summary } from '../pkg/clerk_to_supertokens.js';
import type { ImportedUser } from './api-submit.js';

/** Where the legacy user was found (or, for `not-legacy`, the last source asked). */
export type LazySource = 'store' | 'clerk';

interface OutcomeBase {
  /** wall time of the sign-in attempt in ms (lookup, password check, mapping check, import) */
  durationMs: number;
  source: LazySource;
  /** the Clerk user id, once the user was found */
  clerkUserId?: string;
}

export type SignInOutcome =
  /** no legacy user with this email; or `reason: 'already-migrated'` (a user-id mapping exists: sign in through
   *  SuperTokens), or `reason: 'deleted-in-clerk'` */
  | (OutcomeBase & { status: 'not-legacy'; reason?: 'already-migrated' | 'deleted-in-clerk' })
  /** the password does not match (`reason: 'no-password'`: the legacy user has none) */
  | (OutcomeBase & { status: 'wrong-password'; reason?: 'no-password' })
  /** imported now: `user` is the core's answer to POST /bulk-import/import; `warnings` the conversion's codes */
  | (OutcomeBase & { status: 'migrated'; user: ImportedUser; warnings: string[] })
  /** `reason`: 'not-importable' (with `codes`), 'import-rejected' (with the core's `errors`), 'core-unavailable',
   *  'clerk-unavailable', 'ambiguous-email', 'unverifiable: <code>', 'invalid-input', 'internal'. `detail` and
   *  `errors` have the email and password replaced by `[redacted]`. */
  | (OutcomeBase & { status: 'failed'; reason: string; codes?: string[]; errors?: string[]; detail?: string; httpStatus?: number });

/** One per signIn: no email, password or digest, ever. */
export interface LazyEvent {
  status: SignInOutcome['status'];
  durationMs: number;
  source: LazySource;
  clerkUserId?: string;
  reason?: string;
}

/** The part of a `@clerk/backend` client the migrator uses (`createClerkClient(...)`). */
export interface ClerkClientLike {
  users: {
    getUserList(params: { emailAddress: string[] }): Promise<{ data: any[]; totalCount: number }>;
    verifyPassword(params: { userId: string; password: string }): Promise<{ verified: boolean }>;
  };
}

/** A legacy source: users by email and a password check. `createLegacyStore` builds one. */
export interface LegacyStoreLike {
  findByEmail(email: string): ClerkUser | undefined;
  /** true / false; throws an Error with `code` when it cannot check (then Clerk is asked, if configured) */
  verifyPassword(user: ClerkUser, password: string): boolean;
}

export interface LazyMigratorConfig {
  /** the core URL, e.g. `http://localhost:3567` */
  core: string;
  apiKey?: string;
  /** a `@clerk/backend` client: lookup by email and Clerk's verify_password */
  clerk?: ClerkClientLike;
  /** a local store from a Dashboard export (asked first: no network, has digests and TOTP secrets) */
  store?: LegacyStoreLike;
  /** conversion options, as for `convert` (features decide TOTP devices, account linking…) */
  options?: ConvertOptions;
  onEvent?: (event: LazyEvent) => void;
  /** retries of core calls (default 2: someone is waiting at the sign-in form) */
  maxRetries?: number;
  /** per-attempt timeout of core calls in ms (default 10000) */
  timeoutMs?: number;
  retryBaseMs?: number;
}

/** A node:events EventEmitter (typed here for its one event, without @types/node). */
export declare class LazyMigrator {
  constructor(config: LazyMigratorConfig);
  /**
   * Migrates a legacy user at sign-in. Order: the store, then Clerk; the user-id mapping (the Clerk id as
   * externalUserId) is checked before the password; the password by the store's digest, or by Clerk when the
   * store cannot check it (or has no such user). Single-flight per email and per Clerk id within this process.
   * Never rejects for a sign-in outcome. Emits `outcome` (a LazyEvent).
   */
  signIn(email: string, password: string): Promise<SignInOutcome>;
  /** Is the email a legacy user, and migrated yet? (for signUpPOST). Checks no password. */
  lookup(email: string): Promise<{ status: 'legacy' | 'migrated' | 'not-legacy'; source: LazySource; clerkUserId?: string }>;
  on(event: 'outcome', listener: (event: LazyEvent) => void): this;
  once(event: 'outcome', listener: (event: LazyEvent) => void): this;
  off(event: 'outcome', listener: (event: LazyEvent) => void): this;
  readonly clerk?: ClerkClientLike;
  readonly store?: LegacyStoreLike;
  readonly options: ConvertOptions;
}

export function createLazyMigrator(config: LazyMigratorConfig): LazyMigrator;

export interface LegacyStoreOptions extends ConvertOptions {
  /** Backend API JSON files streamed first and joined to the CSV, as `convert --with-api` */
  withApi?: string[];
  /** bcrypt_peppered: the pepper, when the digests do not carry it */
  pepper?: string;
  /** scrypt_firebase digests in the core's `$f_scrypt$` form: the project's base64 signer key */
  signerKey?: string;
  /** read size in bytes (default 1 MiB) */
  chunkSize?: number;
}

/** In memory only: holds digests and TOTP secrets. */
export declare class LocalLegacyStore implements LegacyStoreLike {
  readonly size: number;
  /** how the export's records were read */
  readonly summary: Summary;
  findByEmail(email: string): ClerkUser | undefined;
  /** the wasm verifyPassword for every public hasher; throws `no-password` / the wasm codes when it cannot check */
  verifyPassword(user: ClerkUser, password: string): boolean;
}

/** Streams a Dashboard CSV (and Backend API files) into a store. */
export function createLegacyStore(csvPath: string, options?: LegacyStoreOptions): Promise<LocalLegacyStore>;

/**
 * The body for POST /bulk-import/import, converted in-process with the same mapping as `convert`. `user`: a
 * normalised ClerkUser, a Backend API `User` (snake_case), a `@clerk/backend` `User` (camelCase, `_raw`), or
 * JSON text of one. Throws an Error with `code: 'not-importable'` and `diagnostics`.
 */
export function lazyImportBody(user: ClerkUser | object | string, password: string, options?: ConvertOptions): LazyImport;

export interface SessionFallbackConfig {
  /** e.g. `(req) => Session.getSession(req, res, { sessionRequired: false })`; a string user id or an object
   *  with getUserId(); null/undefined = no session. Its errors propagate (so try-refresh-token still works). */
  verifySuperTokensSession?: (req: any) => Promise<string | { getUserId(): string } | null | undefined>;
  /** Clerk's JWT public key (PEM, RSA 2048): tokens are verified offline */
  jwtKey: string;
  /** accepted `azp` values, e.g. ['https://app.example.com'] */
  authorizedParties?: string[];
  clockSkewInMs?: number;
}

/** `(req) => who is signed in`: a SuperTokens session first, else a valid Clerk token (Bearer or `__session`). */
export function createSessionFallback(config: SessionFallbackConfig):
  (req: { headers: Record<string, string | string[] | undefined> | Headers }) => Promise<{ source: 'supertokens' | 'clerk'; userId: string } | null>;
