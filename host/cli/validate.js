// `clerk-to-supertokens validate`: what the SuperTokens core would answer to a request body.
import { readFile } from 'node:fs/promises';
import { validateBulkImport, responseBody } from '../validate.js';
import { parse, list, usage, fail, masked } from '../cli-shared.js';
import { fetchCoreContext } from '../submit.js';

export const summary = 'say what the SuperTokens core would answer to a bulk-import request body';

export const help = `Usage: clerk-to-supertokens validate <body.json> [context options]

Validates a POST /bulk-import/users request body (any body, not only ours) with the core's
own rules, and prints to stdout exactly the body the core would answer:
{"status":"OK"}, the 400 body {"error":"Data has missing or invalid fields. ...","users":
[{"index":0,"errors":[...]}]}, or a request-level error. Exit status 0 when the core would
accept the request, 1 when it would not, 2 for bad arguments.

Context: a flag that is given makes that part of the core known (an empty value, such as
--features "", means known and empty); a flag that is absent leaves it unknown, and the checks
that need it are skipped (listed on stderr).

Options:
  --features <list>                  enabled features, e.g. account_linking,mfa,multi_tenancy
  --roles <list>                     roles that exist in the core
  --tenants <list>                   tenant ids that exist ("public" always does)
  --tenant-pool <tenant=pool>        the user pool (database) of a tenant (repeatable)
  --firebase-signer-key-set <bool>   whether firebase_password_hashing_signer_key is configured
  --core <url>                       read features, roles and tenants from a live core instead
                                     (GET /ee/featureflag, /recipe/roles, the tenant list);
                                     flags given as well override what the core says
  --api-key <key>                    the core's API key (or SUPERTOKENS_API_KEY); never printed
  -h, --help                         show this help
`;

const OPTIONS = {
  features: { type: 'string' },
  roles: { type: 'string' },
  tenants: { type: 'string' },
  'tenant-pool': { type: 'string', multiple: true },
  'firebase-signer-key-set': { type: 'string' },
  core: { type: 'string' },
  'api-key': { type: 'string' },
};

/** The CoreContext the flags describe; absent flags stay unknown. */
export function contextFromFlags(values) {
  const context = {};
  if (values.features !== undefined) context.features = list(values.features);
  if (values.roles !== undefined) context.roles = list(values.roles);
  if (values.tenants !== undefined) context.tenants = list(values.tenants);
  if (values['tenant-pool']) {
    context.tenantPools = {};
    for (const pair of values['tenant-pool']) {
      const eq = pair.indexOf('=');
      if (eq < 1 || eq === pair.length - 1) throw usage(`--tenant-pool expects tenant=pool, got '${pair}'`);
      context.tenantPools[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  const key = values['firebase-signer-key-set'];
  if (key !== undefined) {
    if (key !== 'true' && key !== 'false') throw usage(`--firebase-signer-key-set must be true or false, got '${key}'`);
    context.firebaseSignerKeySet = key === 'true';
  }
  return context;
}

export async function run(argv, io) {
  const apiKey = argv.includes('--api-key') ? argv[argv.indexOf('--api-key') + 1] : io.env?.SUPERTOKENS_API_KEY;
  try {
    const { values, positionals } = parse(argv, OPTIONS, { connect: false, positionals: 1 });
    const [file] = positionals;
    if (!file) throw usage('missing the request body file to validate');
    let context = contextFromFlags(values);
    if (values.core) {
      try {
        context = { ...(await fetchCoreContext({ core: values.core, apiKey })), ...context };
      } catch (err) {
        throw new Error(`cannot read the core's context from ${values.core}: ${err.message}`, { cause: err });
      }
    }
    let text;
    try {
      text = await readFile(file, 'utf8');
    } catch (cause) {
      throw new Error(`cannot read ${file}: ${cause.code === 'ENOENT' ? 'no such file' : cause.message}`, { cause });
    }
    const verdict = validateBulkImport(text, context);
    io.stdout.write(responseBody(verdict) + '\n');
    if (verdict.crashedAt !== null && verdict.crashedAt !== undefined) {
      io.stderr.write(`the core would answer HTTP 500 for the whole request (user at index ${verdict.crashedAt})\n`);
    }
    if (verdict.skippedChecks.length) io.stderr.write(`not checked (context unknown): ${verdict.skippedChecks.join(', ')}\n`);
    return verdict.status === 200 ? 0 : 1;
  } catch (err) {
    return fail({ ...io, stderr: masked(io.stderr, apiKey) }, err, apiKey, help);
  }
}
