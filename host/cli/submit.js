// `clerk-to-supertokens submit <dir> --core URL`: stage convert's batches on a SuperTokens core.
import { submit } from '../submit.js';
import { createProgress } from '../progress.js';
import { parse, connectOptions, fail, usage, masked, str, CONNECT_HELP } from '../cli-shared.js';

export const summary = 'stage the batches of a convert output directory on a SuperTokens core (resumable)';

export const help = `usage: clerk-to-supertokens submit <dir> --core URL [--api-key KEY] [--dry-run] [--quiet]
                                  [--max-retries N] [--timeout-ms N] [--firebase-signer-key-set]

Posts <dir>/batch-0001.json, batch-0002.json, ... in order to POST /bulk-import/users.

Before sending anything, reads the core's features, roles and tenants and checks them against what the
users need (mfa for TOTP devices, account_linking for several login methods or isPrimary, multi_tenancy and
existing tenants, existing roles, the firebase signer key); if something is missing it stops and says what
to change on the core.

Users the core rejects (HTTP 400 with a users list) are written with the core's errors to
<dir>/rejected-by-core.ndjson and the rest of their batch is sent again. Progress is recorded in
<dir>/submit-checkpoint.json after every request: an interrupted run (even killed) resumes where it stopped
and never stages a user twice. When a request's outcome is unknown (dropped connection, timeout), submit
looks for its users in the core's queue and user-id mappings before sending it again; this search matches
users by externalUserId (or, lacking one, by email / third-party identity).

options:
${CONNECT_HELP}
  --dry-run                  check the core and show what would be sent; send nothing
  --quiet                    no progress output
  --firebase-signer-key-set  the core is configured with firebase_password_hashing_signer_key (needed for
                             firebase_scrypt hashes; the core does not expose it)
  --resolve-pending staged|not-staged
                             only when submit says it cannot tell whether its last request was staged (users
                             with no externalUserId, email or third-party id): your verdict after checking
                             the core's queue

exit status: 0 all batches staged (some users may have been rejected: see rejected-by-core.ndjson),
1 failure (nothing more sent; rerun to resume), 2 usage error
`;

/**
 * @param {string[]} argv
 * @param {import('../cli-shared.js').CliIO} io
 * @returns {Promise<number>}
 */
export async function run(argv, io) {
  let apiKey;
  try {
    const { values, positionals } = parse(argv, {
      'dry-run': { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
      'firebase-signer-key-set': { type: 'boolean' },
      'resolve-pending': { type: 'string' },
    });
    if (values.help) {
      io.stdout.write(help);
      return 0;
    }
    if (positionals.length !== 1) throw usage('submit takes exactly one directory: the output directory of convert');
    const resolvePending = str(values, 'resolve-pending');
    if (resolvePending !== undefined && resolvePending !== 'staged' && resolvePending !== 'not-staged') {
      throw usage('--resolve-pending takes staged or not-staged');
    }
    const conn = connectOptions(values, io.env);
    apiKey = conn.apiKey;
    const stderr = masked(io.stderr, apiKey);
    const stdout = masked(io.stdout, apiKey);
    const dir = positionals[0];
    const progress = createProgress({ stream: stderr, isTTY: io.isTTY, quiet: Boolean(values.quiet) });
    const result = await submit(dir, {
      ...conn,
      dryRun: Boolean(values['dry-run']),
      firebaseSignerKeySet: Boolean(values['firebase-signer-key-set']),
      resolvePending,
      progress,
    });
    if (result.dryRun) {
      stdout.write(`dry run: the core at ${conn.core} has what these users need; nothing was sent.\n`);
      for (const b of result.batches) {
        stdout.write(b.staged
          ? `  ${b.file}: ${b.users} users, already staged\n`
          : `  ${b.file}: would POST /bulk-import/users with ${b.toSend} of ${b.users} users\n`);
      }
      const toSend = result.batches.reduce((n, b) => n + b.toSend, 0);
      stdout.write(`would send ${toSend} users in ${result.batches.filter((b) => b.toSend > 0).length} request(s)\n`);
      const refused = result.validation.filter((v) => v.status !== 200);
      for (const v of refused) {
        stdout.write(`  ${v.file}: the core would answer HTTP ${v.status}` +
          (v.invalidUsers ? ` (${v.invalidUsers} invalid user(s))` : '') + `: ${String(v.body).slice(0, 300)}\n`);
      }
      stdout.write(refused.length ? `${refused.length} batch(es) would be refused; run validate on them for every message\n`
        : 'every batch passes the core\'s validation\n');
      return refused.length ? 1 : 0;
    }
    stdout.write(`staged ${result.staged} of ${result.users} users from ${result.batches.length} batch file(s)` +
      ` (${result.stagedNow} in this run)\n`);
    if (result.rejected > 0) {
      stdout.write(`${result.rejected} user(s) rejected by the core: see ${result.rejectedPath}\n`);
    }
    stdout.write(`the core imports staged users in the background (every 5 minutes); follow it with:\n` +
      `  clerk-to-supertokens status --core ${conn.core} --watch\n`);
    return 0;
  } catch (err) {
    return fail(io, err, apiKey, help);
  }
}
