// Shared argument parsing for the commands: util.parseArgs with errors a person understands.
import { parseArgs } from 'node:util';

export class UsageError extends Error {
  constructor(message) {
    super(message);
    this.code = 'USAGE';
  }
}

/** parseArgs, turning its errors into UsageError. */
export function parse(argv, options, { positionals = 1 } = {}) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err.message.replace(/\. To specify a positional argument.*$/s, '.'));
  }
  if (parsed.positionals.length > positionals) {
    throw new UsageError(`unexpected argument '${parsed.positionals[positionals]}'`);
  }
  return parsed;
}

/** A comma-separated list; an empty string is an empty list. */
export const list = (s) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);

/** A positive integer option. */
export function integer(name, value) {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number, got '${value}'`);
  return Number(value);
}

/** Runs a command body, mapping usage errors to exit 2 and other errors to exit 1. */
export async function guarded(io, name, body) {
  try {
    return await body();
  } catch (err) {
    io.stderr.write(`clerk-to-supertokens ${name}: ${err?.message ?? err}\n`);
    if (err?.code === 'USAGE') io.stderr.write(`Run 'clerk-to-supertokens ${name} --help' for usage.\n`);
    return err?.code === 'USAGE' ? 2 : 1;
  }
}
