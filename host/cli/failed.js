// `clerk-to-supertokens failed --core URL [--out FILE] [--remove]`: the users the core could not import.
import { open } from 'node:fs/promises';
import { listFailed, removeFailed } from '../queue.js';
import { parse, connectOptions, fail, masked, str, CONNECT_HELP } from '../cli-shared.js';

export const summary = 'list (and optionally remove) the users the core failed to import';

export const help = `usage: clerk-to-supertokens failed --core URL [--api-key KEY] [--out FILE] [--remove]

Pages every FAILED row of the core's bulk-import queue (GET /bulk-import/users?status=FAILED&limit=500) and
writes one JSON line per user:
  {"id":"<row id>","externalUserId":"…","errorMessage":"…","errors":[{"code":"E003","message":"E003: …"}]}
errorMessage is the core's text: one "E0xx: …" message, or a list "[a, b]" of validation messages, which is
split into errors[]. The messages can quote user data (for example an email): the file is created 0600.

options:
${CONNECT_HELP}
  --out FILE          write the lines to FILE instead of standard output
  --remove            after listing, delete the listed rows (POST /bulk-import/users/remove, 500 per call),
                      so corrected users can be submitted again
`;

/**
 * @param {string[]} argv
 * @param {import('../cli-shared.js').CliIO} io
 * @returns {Promise<number>}
 */
export async function run(argv, io) {
  let apiKey;
  /** @type {import('node:fs/promises').FileHandle | undefined} */
  let fh;
  try {
    const { values } = parse(argv, {
      out: { type: 'string', short: 'o' },
      remove: { type: 'boolean' },
    }, { positionals: 0 });
    if (values.help) {
      io.stdout.write(help);
      return 0;
    }
    const conn = connectOptions(values, io.env);
    apiKey = conn.apiKey;
    const stdout = masked(io.stdout, apiKey);
    const stderr = masked(io.stderr, apiKey);
    const out = str(values, 'out');
    if (out) fh = await open(out, 'w', 0o600);
    /** @type {Promise<unknown>} */
    let writing = Promise.resolve();
    const users = await listFailed({
      ...conn,
      onPage: (page) => {
        const text = page.map((u) => `${JSON.stringify(u)}\n`).join('');
        if (fh) { const h = fh; writing = writing.then(() => h.write(text)); } else stdout.write(text);
      },
    });
    await writing;
    if (fh) {
      await fh.close();
      fh = undefined;
      stderr.write(`wrote ${users.length} FAILED user(s) to ${out}\n`);
    } else {
      stderr.write(`${users.length} FAILED user(s)\n`);
    }
    if (values.remove && users.length > 0) {
      const { deletedIds, invalidIds } = await removeFailed({ ...conn, ids: users.map((u) => u.id) });
      stderr.write(`removed ${deletedIds.length} FAILED user(s) from the queue` +
        (invalidIds.length ? ` (${invalidIds.length} were already gone)` : '') + '\n');
    }
    return 0;
  } catch (err) {
    await fh?.close().catch(() => {});
    return fail(io, err, apiKey, help);
  }
}
