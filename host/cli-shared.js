// Helpers shared by the commands: argument parsing, usage errors, API-key masking, exit codes.
import { parseArgs } from 'node:util';

/**
 * @typedef {object} CliIO
 * @property {{write: (s: string) => unknown}} stdout
 * @property {{write: (s: string) => unknown}} stderr
 * @property {Record<string, string | undefined>} env
 * @property {boolean} isTTY
 * @property {NodeJS.ReadableStream} [stdin]
 */

/** Options every network command takes. */
export const CONNECT_OPTIONS = /** @type {const} */ ({
  core: { type: 'string' },
  'api-key': { type: 'string' },
  'max-retries': { type: 'string' },
  'timeout-ms': { type: 'string' },
  'retry-base-ms': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
});

export const CONNECT_HELP = `  --core URL          the core's base URL, e.g. http://localhost:3567 (or .../appid-<id>)
  --api-key KEY       the core's API key; prefer the SUPERTOKENS_API_KEY environment variable,
                      which other users of this machine cannot see in the process list
  --max-retries N     retries per request on 429, 5xx, timeouts and dropped connections (default 8)
  --timeout-ms N      per-request timeout (default 60000)
  --retry-base-ms N   first backoff ceiling; backoff doubles with full jitter (default 500)`;

/**
 * util.parseArgs with errors a person understands. The network commands take CONNECT_OPTIONS too.
 * @param {string[]} argv
 * @param {Record<string, {type: 'string' | 'boolean', short?: string, multiple?: boolean}>} options
 * @param {{connect?: boolean, positionals?: number}} [how]
 * @returns {{values: Record<string, any>, positionals: string[]}}
 */
export function parse(argv, options, { connect = true, positionals = Infinity } = {}) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: connect ? { ...CONNECT_OPTIONS, ...options } : options, allowPositionals: true, strict: true });
  } catch (cause) {
    throw usage(/** @type {Error} */ (cause).message.replace(/\. To specify a positional argument.*$/s, '.'), cause);
  }
  if (parsed.positionals.length > positionals) throw usage(`unexpected argument '${parsed.positionals[positionals]}'`);
  return parsed;
}

/** A comma-separated list; an empty string is a known, empty list. @param {string | undefined} s */
export const list = (s) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);

/** A string option's value. @param {Record<string, string | boolean | undefined>} values @param {string} name */
export function str(values, name) {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** @param {string} message @param {unknown} [cause] */
export function usage(message, cause) {
  return Object.assign(new Error(message, cause === undefined ? undefined : { cause }), { code: 'ERR_USAGE' });
}

/**
 * @param {Record<string, string | boolean | undefined>} values
 * @param {CliIO['env']} env
 */
export function connectOptions(values, env) {
  const core = /** @type {string | undefined} */ (values.core);
  if (!core) throw usage('--core URL is required');
  const apiKey = /** @type {string | undefined} */ (values['api-key']) ?? env.SUPERTOKENS_API_KEY ?? undefined;
  return {
    core,
    apiKey: apiKey === '' ? undefined : apiKey,
    maxRetries: int(values, 'max-retries', 0),
    timeoutMs: int(values, 'timeout-ms', 1),
    retryBaseMs: int(values, 'retry-base-ms', 0),
  };
}

/** @param {Record<string, unknown>} values @param {string} name @param {number} min */
export function int(values, name, min) {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw usage(`--${name} must be an integer >= ${min}`);
  return n;
}

/**
 * Prints an error (never the API key: any occurrence is masked) and returns the exit code.
 * @param {CliIO} io @param {unknown} err @param {string} [apiKey] @param {string} [help]
 */
export function fail(io, err, apiKey, help) {
  const e = /** @type {Error & {code?: string}} */ (err);
  let message = e?.message || String(err);
  if (apiKey) message = message.split(apiKey).join('***');
  io.stderr.write(`error: ${message}\n`);
  if (e?.code === 'ERR_USAGE') {
    if (help) io.stderr.write(`\n${help.split('\n').slice(0, 1).join('\n')}\nsee --help\n`);
    return 2;
  }
  return 1;
}

/** A stream wrapper that masks the API key in everything written. @param {{write: (s: string) => unknown}} stream @param {string} [apiKey] */
export function masked(stream, apiKey) {
  if (!apiKey) return stream;
  return { write: (/** @type {string} */ s) => stream.write(String(s).split(apiKey).join('***')) };
}
