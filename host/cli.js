#!/usr/bin/env node
// clerk-to-supertokens command line: a thin shell over the Node API. Each command lives in
// cli/<command>.js and exports `summary`, `help` and `run(argv, io) -> exit code`.
import { pathToFileURL } from 'node:url';

const COMMANDS = ['convert', 'validate', 'submit', 'status', 'failed', 'undo'];

const usage = async () => {
  const lines = ['Usage: clerk-to-supertokens <command> [options]', '', 'Commands:'];
  for (const name of COMMANDS) {
    const { summary } = await import(`./cli/${name}.js`);
    lines.push(`  ${name.padEnd(10)} ${summary}`);
  }
  lines.push('', 'Run `clerk-to-supertokens <command> --help` for a command\'s options.');
  return lines.join('\n') + '\n';
};

/** Runs the CLI; returns the exit code. */
export async function main(argv, io = { stdout: process.stdout, stderr: process.stderr, env: process.env, isTTY: Boolean(process.stderr.isTTY), stdin: process.stdin }) {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    io.stdout.write(await usage());
    return command ? 0 : 2;
  }
  if (!COMMANDS.includes(command)) {
    io.stderr.write(`clerk-to-supertokens: unknown command '${command}'. Commands: ${COMMANDS.join(', ')}.\n`);
    return 2;
  }
  const cmd = await import(`./cli/${command}.js`);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(cmd.help);
    return 0;
  }
  return cmd.run(rest, io);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href || process.argv[1]?.endsWith('clerk-to-supertokens')) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err) => {
      process.stderr.write(`clerk-to-supertokens: ${err?.message ?? err}\n`);
      process.exitCode = 1;
    },
  );
}
