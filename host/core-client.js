// HTTP client for the SuperTokens core (spec §1, §11).
//
// - Sends `api-key` and `Content-Type: application/json; charset=utf-8` (§1.1).
// - Every non-2xx body is `text/html` holding either JSON text or plain text: parse as JSON, fall back to text.
// - Retries 429, 5xx, timeouts and dropped connections with exponential backoff and full jitter, honouring
//   `Retry-After`; never retries 400, 401, 403 (§11.6).
// - Requests that are not idempotent (POST /bulk-import/users, /bulk-import/import) are only retried when the
//   core certainly did not act on them (429, 500, 503, connection refused). Any other failure after the request
//   may have reached the core throws `ERR_OUTCOME_UNKNOWN`, so the caller can find out what happened first.
//
// The API key is only ever placed in the `api-key` header; no message built here contains it.

import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * @typedef {object} CoreClientOptions
 * @property {string} core            base URL of the core, e.g. `http://localhost:3567` (may end in `/appid-x`)
 * @property {string} [apiKey]        value of the `api-key` header
 * @property {number} [maxRetries]    retries after the first attempt (default 8)
 * @property {number} [timeoutMs]     per-attempt timeout (default 60000)
 * @property {number} [retryBaseMs]   first backoff ceiling (default 500)
 * @property {number} [retryMaxMs]    backoff ceiling and Retry-After cap (default 30000)
 * @property {(event: RetryEvent) => void} [onRetry]  called before each retry sleep
 */

/**
 * @typedef {object} RetryEvent
 * @property {string} method
 * @property {string} path
 * @property {number} attempt   1-based number of the attempt that failed
 * @property {number} delayMs
 * @property {string} reason
 */

/**
 * @typedef {object} RequestOptions
 * @property {unknown} [body]            JSON-serialisable body
 * @property {Record<string, string | number | undefined>} [query]
 * @property {boolean} [idempotent]      default: true for GET, false otherwise
 * @property {number[]} [okStatuses]     statuses returned instead of thrown (besides 2xx)
 */

/**
 * @typedef {object} CoreResponse
 * @property {number} status
 * @property {any} body    parsed JSON, or the text when it is not JSON
 */

/** Statuses after which a non-idempotent request certainly had no effect. */
const NOT_PROCESSED = new Set([429, 500, 503]);

export class CoreClient {
  /** @param {CoreClientOptions} options */
  constructor(options) {
    if (!options || typeof options.core !== 'string' || options.core === '') {
      throw coreError('ERR_USAGE', 'a core URL is required (--core URL)');
    }
    let base;
    try {
      base = new URL(options.core);
    } catch (cause) {
      throw coreError('ERR_USAGE', `the core URL ${JSON.stringify(options.core)} is not a valid URL`, cause);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw coreError('ERR_USAGE', `the core URL must start with http:// or https://`);
    }
    this.base = base.href.replace(/\/+$/, '');
    /** @private */
    this.apiKey = options.apiKey;
    this.maxRetries = options.maxRetries ?? 8;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.retryBaseMs = options.retryBaseMs ?? 500;
    this.retryMaxMs = options.retryMaxMs ?? 30_000;
    this.onRetry = options.onRetry;
  }

  /** @param {string} path @param {RequestOptions['query']} [query] */
  get(path, query) {
    return this.request('GET', path, { query });
  }

  /** @param {string} path @param {unknown} body @param {Omit<RequestOptions, 'body'>} [opts] */
  post(path, body, opts = {}) {
    return this.request('POST', path, { ...opts, body });
  }

  /**
   * Sends one request, with retries. Resolves with the parsed 2xx body (or a status listed in `okStatuses`),
   * rejects with an Error carrying `code`, `status` and `body`.
   * @param {string} method
   * @param {string} path
   * @param {RequestOptions} [opts]
   * @returns {Promise<CoreResponse>}
   */
  async request(method, path, opts = {}) {
    const idempotent = opts.idempotent ?? method === 'GET';
    const url = this.url(path, opts.query);
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    /** @type {Record<string, string>} */
    const headers = { accept: 'application/json' };
    if (payload !== undefined) headers['content-type'] = 'application/json; charset=utf-8';
    if (this.apiKey) headers['api-key'] = this.apiKey;
    const what = `${method} ${path}`;

    for (let attempt = 1; ; attempt++) {
      /** @type {{retry: boolean, unknown: boolean, reason: string, retryAfterMs?: number, error: Error}} */
      let failure;
      try {
        const res = await fetch(url, {
          method,
          headers,
          body: payload,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        const text = await res.text();
        const body = parseBody(text);
        if ((res.status >= 200 && res.status < 300) || opts.okStatuses?.includes(res.status)) {
          return { status: res.status, body };
        }
        const error = httpError(what, res.status, body);
        if (res.status < 500 && res.status !== 429) {
          throw error; // 400, 401, 403, 404…: retrying cannot help (§11.6)
        }
        failure = {
          retry: true,
          unknown: !idempotent && !NOT_PROCESSED.has(res.status),
          reason: `HTTP ${res.status}`,
          retryAfterMs: parseRetryAfter(res.headers.get('retry-after')),
          error,
        };
      } catch (err) {
        if (err instanceof Error && 'status' in err) throw err;
        const e = /** @type {Error & {cause?: any, name: string}} */ (err);
        const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
        const errno = e.cause?.code ?? e.cause?.cause?.code;
        // The request never left this machine: safe to send again whatever the method.
        const refused = errno === 'ECONNREFUSED' || errno === 'ENOTFOUND' || errno === 'EAI_AGAIN' || e.cause?.message === 'bad port';
        const reason = timedOut ? `no answer within ${this.timeoutMs} ms` : `connection failed (${errno ?? e.cause?.message ?? e.message})`;
        failure = {
          retry: true,
          unknown: !idempotent && !refused,
          reason,
          error: coreError(timedOut ? 'ERR_TIMEOUT' : 'ERR_NETWORK', `${what} to ${this.base}: ${reason}`, e),
        };
      }
      if (failure.unknown) {
        // The core may have acted on the request: the caller must find out before sending it again.
        throw coreError('ERR_OUTCOME_UNKNOWN',
          `${what}: ${failure.reason}; the core may or may not have processed the request`, failure.error);
      }
      if (attempt > this.maxRetries) {
        const err = coreError(/** @type {any} */ (failure.error).code ?? 'ERR_HTTP',
          `${failure.error.message} (gave up after ${attempt} attempts)`, failure.error);
        Object.assign(err, { status: /** @type {any} */ (failure.error).status, body: /** @type {any} */ (failure.error).body });
        throw err;
      }
      const delayMs = this.backoff(attempt, failure.retryAfterMs);
      this.onRetry?.({ method, path, attempt, delayMs, reason: failure.reason });
      await sleep(delayMs);
    }
  }

  /**
   * Full jitter: a uniform delay in [0, min(cap, base * 2^(attempt-1))]; a Retry-After value is a floor.
   * @param {number} attempt @param {number | undefined} retryAfterMs
   */
  backoff(attempt, retryAfterMs) {
    const ceiling = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** (attempt - 1));
    const jitter = ceiling >= 1 ? randomInt(0, Math.floor(ceiling) + 1) : 0;
    if (retryAfterMs !== undefined) return Math.min(this.retryMaxMs, Math.max(retryAfterMs, jitter));
    return jitter;
  }

  /** @param {string} path @param {RequestOptions['query']} [query] */
  url(path, query) {
    let url = this.base + path;
    if (query) {
      const parts = [];
      for (const [k, v] of Object.entries(query)) {
        if (v !== undefined) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
      }
      if (parts.length) url += `?${parts.join('&')}`;
    }
    return url;
  }
}

/** @param {string} text */
function parseBody(text) {
  if (text === '') return '';
  try {
    return JSON.parse(text);
  } catch {
    return text.replace(/\s+$/, '');
  }
}

/** @param {string | null} value @returns {number | undefined} */
export function parseRetryAfter(value) {
  if (value == null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  if (Number.isFinite(date)) return Math.max(0, date - Date.now());
  return undefined;
}

/** The core's message from a non-2xx body: `{"error": ...}`, `{"errors": [...]}` or plain text. */
export function coreMessage(/** @type {any} */ body) {
  if (body && typeof body === 'object') {
    if (typeof body.error === 'string') return body.error;
    if (Array.isArray(body.errors)) return body.errors.join('; ');
    return JSON.stringify(body);
  }
  return String(body ?? '');
}

/** @param {string} what @param {number} status @param {any} body */
function httpError(what, status, body) {
  const message = coreMessage(body);
  let err;
  if (status === 401) {
    err = coreError('ERR_API_KEY',
      `the core rejected the API key (HTTP 401 ${message || 'Invalid API key'}): pass the core's API key with ` +
      `--api-key or the SUPERTOKENS_API_KEY environment variable`);
  } else if (status === 403) {
    err = coreError('ERR_FORBIDDEN', `${what}: HTTP 403 ${message}`);
  } else if (status === 400) {
    err = coreError('ERR_BAD_REQUEST', `${what}: HTTP 400 ${message}`);
  } else {
    err = coreError('ERR_HTTP', `${what}: HTTP ${status} ${message}`);
  }
  return Object.assign(err, { status, body });
}

/**
 * @param {string} code @param {string} message @param {unknown} [cause]
 * @returns {Error & {code: string}}
 */
export function coreError(code, message, cause) {
  const err = /** @type {Error & {code: string}} */ (new Error(message, cause === undefined ? undefined : { cause }));
  err.code = code;
  return err;
}
