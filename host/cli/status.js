// `clerk-to-supertokens status --core URL [--watch]`: counts of the core's bulk-import queue.
import { status, watchStatus, isSettled } from '../queue.js';
import { parse, connectOptions, fail, int, masked, CONNECT_HELP } from '../cli-shared.js';

export const summary = "show the core's bulk-import queue: NEW, PROCESSING and FAILED users";

export const help = `usage: clerk-to-supertokens status --core URL [--api-key KEY] [--watch] [--interval-ms N]

Prints the number of staged users the core has not imported yet, by status (GET /bulk-import/users/count).
With --watch, refreshes until the queue is empty or holds only FAILED users (the core's cron runs every
5 minutes); then list the FAILED users with: clerk-to-supertokens failed --core URL

options:
${CONNECT_HELP}
  --watch             refresh until the queue drains or holds only FAILED users
  --interval-ms N     time between refreshes (default 10000)
`;

/** @param {import('../queue.js').QueueStatus} s */
function line(s) {
  return `NEW ${s.NEW}  PROCESSING ${s.PROCESSING}  FAILED ${s.FAILED}  (total ${s.total})`;
}

/**
 * @param {string[]} argv
 * @param {import('../cli-shared.js').CliIO} io
 * @returns {Promise<number>}
 */
export async function run(argv, io) {
  let apiKey;
  try {
    const { values } = parse(argv, {
      watch: { type: 'boolean', short: 'w' },
      'interval-ms': { type: 'string' },
    }, { positionals: 0 });
    if (values.help) {
      io.stdout.write(help);
      return 0;
    }
    const conn = connectOptions(values, io.env);
    apiKey = conn.apiKey;
    const stdout = masked(io.stdout, apiKey);
    let last;
    if (values.watch) {
      for await (const s of watchStatus({ ...conn, intervalMs: int(values, 'interval-ms', 1) })) {
        stdout.write(`${new Date().toISOString()}  ${line(s)}\n`);
        last = s;
      }
    } else {
      last = await status(conn);
      stdout.write(`${line(last)}\n`);
    }
    if (last && isSettled(last)) {
      stdout.write(last.total === 0
        ? 'the queue is empty: every staged user was imported (or removed)\n'
        : `only FAILED users remain: list them with clerk-to-supertokens failed --core ${conn.core}\n`);
    }
    return 0;
  } catch (err) {
    return fail(io, err, apiKey, help);
  }
}
