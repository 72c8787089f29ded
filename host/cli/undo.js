// `clerk-to-supertokens undo <dir> --core URL [--yes]`: remove every user a submit of <dir> staged.
import { createInterface } from 'node:readline/promises';
import { undo } from '../undo.js';
import { parse, connectOptions, fail, usage, masked, CONNECT_HELP } from '../cli-shared.js';

export const summary = 'remove from the core every user that submit staged from a directory';

export const help = `usage: clerk-to-supertokens undo <dir> --core URL [--api-key KEY] [--yes]

Removes every user that submit staged from <dir> (as recorded in <dir>/submit-checkpoint.json):
  - users still queued (NEW, PROCESSING or FAILED) with POST /bulk-import/users/remove;
  - users already imported: found with GET /recipe/userid/map?userId=<externalUserId>&userIdType=EXTERNAL
    and deleted with POST /user/remove (with their linked accounts).
Users staged without an externalUserId are found by the row id the core returned when it accepted them.
Afterwards the checkpoint is renamed to submit-checkpoint.undone-<time>.json, so submit can start again.

Asks for confirmation on a terminal; without a terminal, --yes is required.

options:
${CONNECT_HELP}
  --yes               do not ask for confirmation
`;

/**
 * @param {string[]} argv
 * @param {import('../cli-shared.js').CliIO} io
 * @returns {Promise<number>}
 */
export async function run(argv, io) {
  let apiKey;
  try {
    const { values, positionals } = parse(argv, { yes: { type: 'boolean', short: 'y' } });
    if (values.help) {
      io.stdout.write(help);
      return 0;
    }
    if (positionals.length !== 1) throw usage('undo takes exactly one directory: the one submit was run on');
    const conn = connectOptions(values, io.env);
    apiKey = conn.apiKey;
    const stdout = masked(io.stdout, apiKey);
    const stderr = masked(io.stderr, apiKey);
    const interactive = io.isTTY && Boolean(/** @type {any} */ (io.stdin)?.isTTY);
    if (!values.yes && !interactive) {
      throw usage('undo deletes users from the core: pass --yes to confirm (no terminal to ask on)');
    }
    const result = await undo(positionals[0], {
      ...conn,
      log: (l) => stderr.write(`${l}\n`),
      confirm: values.yes ? undefined : async (plan) => {
        const rl = createInterface({ input: /** @type {NodeJS.ReadableStream} */ (io.stdin), output: /** @type {any} */ (io.stderr) });
        try {
          const answer = await rl.question(`Delete the ${plan.users} user(s) staged from ${positionals[0]} from ${conn.core}? ` +
            `This cannot be undone. Type "yes" to continue: `);
          return answer.trim().toLowerCase() === 'yes';
        } finally {
          rl.close();
        }
      },
    });
    if (result.cancelled) {
      stderr.write('cancelled: nothing was removed\n');
      return 1;
    }
    stdout.write(`removed ${result.removedFromQueue} queued and ${result.removedImported} imported user(s) of ${result.users}` +
      (result.notFound ? `; ${result.notFound} were in neither place` : '') +
      (result.untraceable ? `; ${result.untraceable} staged without externalUserId could not be traced` : '') + '\n');
    return 0;
  } catch (err) {
    return fail(io, err, apiKey, help);
  }
}
