import type { ConvertOptions, OutputFile, Progress, CoreContext, RequestVerdict, VerifyPasswordInput, Summary } from '../pkg/clerk_to_supertokens.js';
export type { ConvertOptions, OutputFile, Progress, CoreContext, RequestVerdict, UserVerdict, VerifyPasswordInput, Summary, ClerkUser, Diagnostic, LazyImport } from '../pkg/clerk_to_supertokens.js';
export { Converter } from '../pkg/clerk_to_supertokens.js';

/** Progress of a file conversion. */
export interface FileProgress extends Progress {
  /** Size of the input file in bytes. */
  totalBytes: number;
}

export interface ConvertFileOptions extends ConvertOptions {
  /** Output directory; created if missing. Stale outputs of an earlier run are removed. */
  out: string;
  /** Backend API user files (JSON array, {data,totalCount} page or NDJSON) joined by Clerk id. */
  withApi?: string[];
  /** Called after every chunk (about 1 MiB) and once at the end. */
  onProgress?: (progress: FileProgress) => void;
}

export interface ConvertResult {
  summary: Summary;
  /** Files written, sorted by name. `secret` files were created with mode 0600. */
  files: { name: string; path: string; secret: boolean }[];
}

/**
 * Streams a Clerk export into `options.out`: batch-0001.json, …, report.json and, for deferred
 * users, lazy-migration.ndjson (mode 0600).
 * Rejects with an Error whose `code` is `INPUT_UNREADABLE`, `BAD_ARGUMENT` or `CONVERT_FAILED`;
 * an invalid option rejects with the core's message naming it.
 */
export function convertFile(input: string, options: ConvertFileOptions): Promise<ConvertResult>;

/**
 * Converts Clerk users held in memory: Backend API `User` JSON (snake_case) or `User` objects from
 * `@clerk/backend` (camelCase, with `_raw`); returns the files as strings.
 */
export function convertClerkUsers(users: object[], options?: ConvertOptions): { summary: Summary; files: Record<string, string> };

/** Converts an export held in memory; returns the files as strings. */
export function convertBytes(input: string | Uint8Array, options?: ConvertOptions): { summary: Summary; files: Record<string, string> };

/**
 * What the SuperTokens core would answer to POST /bulk-import/users with `body` (JSON text or
 * an object), with the core's own messages in its order. Parts of `context` left out are
 * unknown: the checks needing them are skipped and listed in `skippedChecks`.
 * Throws an Error only for an invalid context (a misspelt key, say).
 */
export function validateBulkImport(body: string | object, context?: CoreContext): RequestVerdict;

/** The exact body text the core would answer for a verdict (`{"status":"OK"}` when accepted). */
export function responseBody(verdict: RequestVerdict): string;

export * from './api-submit.js';
export * from './lazy.js';

/**
 * Checks a password against a legacy Clerk digest, in constant time, for every hasher whose
 * algorithm is public (bcrypt, argon2, pbkdf2, scrypt, phpass, md5, sha256, ...). Returns false for a
 * wrong password. Throws an Error whose `code` is `malformed-digest`, `unverifiable-hasher`
 * (awscognito: a migration pointer, no hash exists), `unknown-hasher`, `missing-parameter`,
 * `invalid-parameter` or `cost-too-high` when the digest cannot be checked at all. Neither the
 * digest nor the password ever appears in an error message.
 */
export function verifyPassword(input: VerifyPasswordInput): boolean;
