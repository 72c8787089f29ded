// `clerk-to-supertokens convert`: a Clerk export in, SuperTokens bulk-import batches out.
import { readFile } from 'node:fs/promises';
import { convertFile } from '../convert.js';
import { parse, list, int, usage, fail } from '../cli-shared.js';

export const summary = 'convert a Clerk export into SuperTokens bulk-import batches';

export const help = `Usage: clerk-to-supertokens convert <export> --out <dir> [--with-api <users.json> ...] [options]

Converts a Clerk export (the Dashboard "Export users" CSV) into SuperTokens bulk-import
batches: <dir>/batch-0001.json, batch-0002.json, ... each {"users":[...]}, plus
<dir>/report.json, which accounts for every record (records = converted + deferred +
rejected) and lists every diagnostic with its record, line and code. Users whose password
hash the core cannot verify are written to <dir>/lazy-migration.ndjson (mode 0600, it holds
digests) for lazy migration at sign-in.

The export may be any Clerk shape: the Dashboard CSV, the legacy support CSV or JSON, Backend
API users (a JSON array, a {data,totalCount} page, NDJSON) or the Clerk CLI export; the shape
is detected from the content. --with-api joins Backend API users (metadata, OAuth accounts,
external_id, created_at, ban status) to a Dashboard CSV (digests, TOTP) by Clerk user id.

Options:
  --out <dir>                 output directory (required); stale outputs in it are replaced
  --with-api <file>           Backend API users to join by Clerk id (repeatable, e.g. pages)
  --batch-size <n>            users per batch, 1-10000 (default 10000, the core's limit)
  --features <list>           core features enabled, comma-separated: account_linking, mfa,
                              multi_tenancy (default none). mfa imports TOTP devices;
                              account_linking imports every email, phone and OAuth account
                              of a user as linked login methods
  --tenant <id>               tenant for every login method (default public; needs
                              multi_tenancy)
  --unsupported-hash <policy> users whose hash the core cannot verify: defer (default; lazy
                              migration file), reset (random password + reset flag), reject
  --external-id <source>      clerk-id (default) or external-id (Clerk's external_id when set)
  --provider-map <a=b>        map a Clerk provider to a SuperTokens thirdPartyId, e.g.
                              oauth_custom_acme=acme (repeatable)
  --roles-from <path>         dotted path in public_metadata holding role names
  --include-private-metadata  copy Clerk private_metadata into userMetadata
  --banned <policy>           banned or locked users: skip (default) or import
  --input-format <format>     dashboard-csv, legacy-csv, json or ndjson (default: detected)
  --legacy-verified           treat identifiers of legacy exports as verified
  --skip-ids <file>           leave out these Clerk user ids (one per line), e.g. users the lazy
                              phase already migrated
  --quiet                     print nothing but errors
  -h, --help                  show this help

Exit status: 0 when the conversion ran (even if some users were rejected; see report.json),
1 when the input cannot be read, 2 for bad arguments.
`;

const OPTIONS = {
  out: { type: 'string' },
  'with-api': { type: 'string', multiple: true },
  'batch-size': { type: 'string' },
  features: { type: 'string' },
  tenant: { type: 'string' },
  'unsupported-hash': { type: 'string' },
  'external-id': { type: 'string' },
  'provider-map': { type: 'string', multiple: true },
  'roles-from': { type: 'string' },
  'include-private-metadata': { type: 'boolean' },
  banned: { type: 'string' },
  'input-format': { type: 'string' },
  'legacy-verified': { type: 'boolean' },
  'skip-ids': { type: 'string' },
  quiet: { type: 'boolean' },
};

/** Maps parsed flags to the core's ConvertOptions (the core validates the values). */
export function convertOptions(values) {
  const providerMap = {};
  for (const pair of values['provider-map'] ?? []) {
    const eq = pair.indexOf('=');
    if (eq < 1 || eq === pair.length - 1) throw usage(`--provider-map expects clerk_provider=thirdPartyId, got '${pair}'`);
    providerMap[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const options = {
    batchSize: int(values, 'batch-size', 1),
    features: values.features === undefined ? undefined : list(values.features),
    tenant: values.tenant,
    unsupportedHash: values['unsupported-hash'],
    externalId: values['external-id'],
    providerMap: Object.keys(providerMap).length ? providerMap : undefined,
    rolesFrom: values['roles-from'],
    includePrivateMetadata: values['include-private-metadata'],
    banned: values.banned,
    inputFormat: values['input-format'],
    legacyVerified: values['legacy-verified'],
  };
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}

export async function run(argv, io) {
  try {
    const { values, positionals } = parse(argv, OPTIONS, { connect: false, positionals: 1 });
    const [input] = positionals;
    if (!input) throw usage('missing the export file to convert');
    if (!values.out) throw usage('missing --out <dir>');
    const options = convertOptions(values);
    if (values['skip-ids']) options.skipIds = await readIdList(values['skip-ids']);
    try {
      new (await import('../wasm.js')).default.Converter(options).free();
    } catch (err) {
      throw usage(err.message, err);
    }
    const started = performance.now();
    const progress = io.isTTY && !values.quiet ? tty(io.stderr) : () => {};
    const result = await convertFile(input, { ...options, out: values.out, withApi: values['with-api'] ?? [], onProgress: progress });
    if (io.isTTY && !values.quiet) io.stderr.write('\n');
    if (!values.quiet) io.stdout.write(formatSummary(result, values.out, performance.now() - started));
    return 0;
  } catch (err) {
    return fail(io, err, undefined, help);
  }
}

/** Ids one per line (blank lines and `#` comments ignored); a JSON array of ids works too. */
async function readIdList(path) {
  let text;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw usage(`cannot read --skip-ids ${path}: ${cause.code === 'ENOENT' ? 'no such file' : cause.message}`, cause);
  }
  if (text.trimStart().startsWith('[')) return JSON.parse(text).map(String);
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

function tty(stream) {
  let last = 0;
  return (p) => {
    const now = performance.now();
    if (now - last < 100 && p.bytes < p.totalBytes) return;
    last = now;
    const pct = p.totalBytes ? Math.floor((100 * p.bytes) / p.totalBytes) : 100;
    stream.write(`\rconverting: ${pct}% of ${(p.totalBytes / 1e6).toFixed(1)} MB, ${p.records} records`);
  };
}

export function formatSummary({ summary: s, files }, out, ms) {
  const lines = [
    `${s.records} records: ${s.converted} converted, ${s.deferred} deferred, ${s.rejected} rejected`,
    `${s.batches} batch file${s.batches === 1 ? '' : 's'} in ${out} (${(ms / 1000).toFixed(2)} s)`,
    `report: ${out}/report.json`,
  ];
  for (const f of files.filter((f) => f.secret)) lines.push(`secret: ${f.path} (mode 0600; holds password digests, keep it safe)`);
  return lines.join('\n') + '\n';
}
