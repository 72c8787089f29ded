#!/usr/bin/env node
// Temporary, minimal dispatcher (replaced at merge): `clerk-to-supertokens <command> ...` -> host/cli/<command>.js.
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('./cli/', import.meta.url));
const commands = (await readdir(dir)).filter((f) => /^[a-z][a-z-]*\.js$/.test(f)).map((f) => f.slice(0, -3)).sort();
const [command, ...argv] = process.argv.slice(2);

if (!command || command === '--help' || command === '-h' || command === 'help') {
  const lines = ['usage: clerk-to-supertokens <command> [options]', '', 'commands:'];
  for (const c of commands) lines.push(`  ${c.padEnd(10)} ${(await import(`./cli/${c}.js`)).summary}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  process.exitCode = command ? 0 : 2;
} else if (!commands.includes(command)) {
  process.stderr.write(`clerk-to-supertokens: unknown command ${JSON.stringify(command)}; see clerk-to-supertokens --help\n`);
  process.exitCode = 2;
} else {
  const mod = await import(`./cli/${command}.js`);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(mod.help.endsWith('\n') ? mod.help : `${mod.help}\n`);
  } else {
    process.exitCode = await mod.run(argv, {
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
      isTTY: Boolean(process.stderr.isTTY),
      stdin: process.stdin,
    });
  }
}
