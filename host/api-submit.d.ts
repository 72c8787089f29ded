// Public API of the network part of clerk-to-supertokens (hand-written; keep in step with host/*.js).

/** Codes carried by every Error this API throws (`err.code`). */
export type CoreErrorCode =
  /** bad option or argument (a missing --core, an unreadable directory, no batch files) */
  | 'ERR_USAGE'
  /** HTTP 401: the core wants an API key (`apiKey` / SUPERTOKENS_API_KEY) or a different one */
  | 'ERR_API_KEY'
  /** HTTP 403: e.g. a non-public tenant in the core URL, or the core's IP filter */
  | 'ERR_FORBIDDEN'
  /** HTTP 400 without a per-user list: a request the core will never accept (not retried) */
  | 'ERR_BAD_REQUEST'
  /** another HTTP status, after the retries were used up */
  | 'ERR_HTTP'
  /** no connection, after the retries were used up */
  | 'ERR_NETWORK'
  /** no answer within `timeoutMs`, after the retries were used up */
  | 'ERR_TIMEOUT'
  /** a non-idempotent request got no clear answer: the core may or may not have acted on it */
  | 'ERR_OUTCOME_UNKNOWN'
  /** the core lacks a feature, role, tenant or the firebase signer key the users need (`problems`) */
  | 'ERR_REQUIREMENTS'
  /** the checkpoint does not fit this directory or core (other core, changed batch file, bad format) */
  | 'ERR_CHECKPOINT'
  /** a batch file is not `{"users":[…]}` with at most 10000 users */
  | 'ERR_BATCH'
  /** importUser: the core answered 400 (`errors`) */
  | 'ERR_IMPORT_REJECTED';

export interface CoreError extends Error {
  code: CoreErrorCode;
  /** HTTP status, when the error is an HTTP answer */
  status?: number;
  /** the answer's body: parsed JSON, or its text */
  body?: unknown;
  /** ERR_REQUIREMENTS: one entry per thing to change on the core */
  problems?: RequirementProblem[];
  /** ERR_IMPORT_REJECTED: the core's messages (validation texts or `E0xx: …`) */
  errors?: string[];
}

export interface RetryEvent {
  method: string;
  path: string;
  /** 1-based number of the attempt that failed */
  attempt: number;
  delayMs: number;
  reason: string;
}

/** How to reach the core. Retries: 429, 5xx, timeouts, dropped connections; never 400/401/403. */
export interface ConnectOptions {
  /** base URL, e.g. `http://localhost:3567`, or `http://host:3567/appid-myapp` */
  core: string;
  /** sent as the `api-key` header; never printed or put in an error message */
  apiKey?: string;
  /** retries after the first attempt (default 8) */
  maxRetries?: number;
  /** per-attempt timeout in ms (default 60000) */
  timeoutMs?: number;
  /** first backoff ceiling in ms; doubles per attempt, full jitter, capped at 30 s; Retry-After wins (default 500) */
  retryBaseMs?: number;
  onRetry?: (event: RetryEvent) => void;
}

export interface Progress {
  update(staged: number, total: number, label?: string): void;
  note(line: string): void;
  done(): void;
}

export interface SubmitOptions extends ConnectOptions {
  /** check the core and report what would be sent; send nothing, write nothing */
  dryRun?: boolean;
  /** the core has `firebase_password_hashing_signer_key` set (it cannot be asked) */
  firebaseSignerKeySet?: boolean;
  /** progress sink; silent when omitted */
  progress?: Progress;
  /**
   * The operator's verdict on a request whose outcome is unknown and cannot be looked up in the core (its
   * users have no externalUserId, email or third-party identity); used instead of searching.
   */
  resolvePending?: 'staged' | 'not-staged';
}

export interface BatchPlan {
  /** e.g. `batch-0001.json` */
  file: string;
  /** users in the file */
  users: number;
  /** the file's users (minus rejected ones) are staged */
  staged: boolean;
  /** users still to send */
  toSend: number;
}

export interface SubmitResult {
  dryRun: boolean;
  /** users in all batch files */
  users: number;
  /** users staged from this directory, over all runs */
  staged: number;
  /** users staged by this call */
  stagedNow: number;
  /** users the core rejected; listed in `rejectedPath` */
  rejected: number;
  batches: BatchPlan[];
  /** `<dir>/submit-checkpoint.json` */
  checkpointPath: string;
  /** `<dir>/rejected-by-core.ndjson`: `{"batch","index","externalUserId","errors"}` per line */
  rejectedPath: string;
}

/** Counts of the core's bulk-import queue (imported users are no longer in it). */
export interface QueueStatus {
  total: number;
  NEW: number;
  PROCESSING: number;
  FAILED: number;
}

export interface FailedUserError {
  /** `E003` etc., or null for a validation message */
  code: string | null;
  message: string;
}

export interface FailedUser {
  /** row id: what removeFailed takes */
  id: string;
  externalUserId: string | null;
  /** the core's text: `E0xx: …` or a Java list `[a, b]` */
  errorMessage: string;
  errors: FailedUserError[];
}

export interface UndoPlan {
  /** users the directory's runs staged (or may have staged, for a request with an unknown outcome) */
  users: number;
  /** staged users with neither an externalUserId nor a known row id: undo cannot find them */
  untraceable: number;
}

export interface UndoOptions extends ConnectOptions {
  /** asked before anything is removed; return false to cancel */
  confirm?: (plan: UndoPlan) => boolean | Promise<boolean>;
  log?: (line: string) => void;
}

export interface UndoResult {
  cancelled: boolean;
  users: number;
  /** rows deleted with POST /bulk-import/users/remove */
  removedFromQueue: number;
  /** imported users deleted with POST /user/remove */
  removedImported: number;
  /** users found neither queued nor imported */
  notFound: number;
  untraceable: number;
}

/** What GET /ee/featureflag, /recipe/roles and /recipe/multitenancy/tenant/list/v2 report. */
export interface CoreContext {
  /** e.g. `account_linking`, `multi_tenancy`, `mfa` */
  features: string[];
  roles: string[];
  /** tenant ids */
  tenants: string[];
}

import type { Requirements, RequirementProblem } from '../pkg/clerk_to_supertokens.js';
export type { Requirements, RequirementProblem } from '../pkg/clerk_to_supertokens.js';

/** The user object of a 200 from POST /bulk-import/import (spec §1.6). */
export interface ImportedUser {
  /** external user id when mapped, else the SuperTokens user id */
  id: string;
  isPrimaryUser: boolean;
  tenantIds: string[];
  timeJoined: number;
  emails: string[];
  phoneNumbers: string[];
  thirdParty: { id: string; userId: string }[];
  loginMethods: {
    tenantIds: string[];
    recipeUserId: string;
    verified: boolean;
    timeJoined: number;
    recipeId: 'emailpassword' | 'thirdparty' | 'passwordless';
    email?: string;
    phoneNumber?: string;
    thirdParty?: { id: string; userId: string };
  }[];
}

/** A bulk-import user object as written by convert (spec §2). Extra keys are ignored by the core. */
export interface BulkImportUser {
  externalUserId?: string;
  userMetadata?: Record<string, unknown>;
  userRoles?: { role: string; tenantIds: string[] }[];
  totpDevices?: { secretKey: string; period?: number; skew?: number; deviceName?: string }[];
  loginMethods: {
    recipeId: 'emailpassword' | 'thirdparty' | 'passwordless';
    tenantIds?: string[];
    isVerified?: boolean;
    isPrimary?: boolean;
    timeJoinedInMSSinceEpoch?: number;
    email?: string;
    passwordHash?: string;
    hashingAlgorithm?: string;
    plainTextPassword?: string;
    thirdPartyId?: string;
    thirdPartyUserId?: string;
    phoneNumber?: string;
  }[];
}

/**
 * Stages `<dir>/batch-*.json` in order with POST /bulk-import/users. Checks the core first (features,
 * roles, tenants; throws ERR_REQUIREMENTS naming the fixes, before sending anything). Resumable and exactly
 * once: see host/submit.js. Users the core rejects go to `<dir>/rejected-by-core.ndjson`.
 * @throws {CoreError}
 */
export function submit(dir: string, opts: SubmitOptions): Promise<SubmitResult>;

/** Counts of NEW, PROCESSING and FAILED staged users (GET /bulk-import/users/count). */
export function status(opts: ConnectOptions): Promise<QueueStatus>;

/**
 * Polls the counts every `intervalMs` (default 10000) and yields each snapshot; ends after the first one in
 * which the queue is empty or holds only FAILED users.
 */
export function watchStatus(opts: ConnectOptions & { intervalMs?: number; signal?: AbortSignal }): AsyncGenerator<QueueStatus, void, void>;

/** Every FAILED user (GET /bulk-import/users?status=FAILED, all pages). */
export function listFailed(opts: ConnectOptions & { onPage?: (users: FailedUser[]) => void }): Promise<FailedUser[]>;

/** Deletes FAILED rows (the given row ids, or all FAILED rows), 500 per call. */
export function removeFailed(opts: ConnectOptions & { ids?: string[] }): Promise<{ deletedIds: string[]; invalidIds: string[] }>;

/** Splits a FAILED row's errorMessage (`E0xx: …` or a Java list `[a, b]`) into messages. */
export function splitErrorMessage(errorMessage: string): FailedUserError[];

/**
 * Removes every user that submit staged from `dir`: queued rows via /bulk-import/users/remove, imported
 * users via GET /recipe/userid/map + POST /user/remove.
 * @throws {CoreError}
 */
export function undo(dir: string, opts: UndoOptions): Promise<UndoResult>;

/**
 * Imports one user now with POST /bulk-import/import. Resolves with the core's user; on HTTP 400 rejects with
 * a CoreError of code ERR_IMPORT_REJECTED whose `errors` holds the core's messages.
 * @throws {CoreError}
 */
export function importUser(user: BulkImportUser, opts: ConnectOptions): Promise<ImportedUser>;

/** Reads the core's features, roles and tenants. */
export function fetchCoreContext(opts: ConnectOptions): Promise<CoreContext>;

/** Scans users for what they need from the core; pass `into` to accumulate over several batches. */
export function requirementsOf(users: Iterable<unknown>, into?: Requirements): Requirements;

/** Compares requirements with the core's context; one problem per thing to change on the core. */
export function checkRequirements(req: Requirements, ctx: CoreContext, opts?: { firebaseSignerKeySet?: boolean }): RequirementProblem[];
