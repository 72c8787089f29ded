// Secret hygiene: digests, TOTP secrets and the API key appear only in the batch files and in
// files created 0600; never on stdout, stderr, in report.json or in any other output file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, tempDir } from './helpers.js';
import { startStandin } from './standin-core.js';

const API_KEY = 'apikey-c2s-secret-test-6f1d0a9be2';
const DIGESTS = {
  bcrypt: '$2b$10$Q0hIZWxsb1dvcmxkU2FsdOYqvKcWn0e3yJm5VQp8Zr1sT7uX9aB2c',
  argon2id: '$argon2id$v=19$m=65536,t=3,p=4$c2VjcmV0U2FsdDEyMw$WGd0aGlzSXNOb3RBUmVhbEhhc2hCdXRMb29rc1NvMTI',
  pbkdf2: 'pbkdf2_sha256$260000$U2VjcmV0U2FsdA==$Tm90QVJlYWxQYmtkZjJIYXNoQnV0TG9uZw==',
  md5: '9e107d9d372bb6826bd81d3542a419d6',
};
const TOTP = ['KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ', 'JBSWY3DPEHPK3PXPSECRETTOTPSEED23'];
const SECRETS = [...Object.values(DIGESTS), ...TOTP, API_KEY];
/** Distinctive pieces too, so a truncated or re-encoded leak is caught. */
const FRAGMENTS = [...SECRETS, ...Object.values(DIGESTS).map((d) => d.slice(-20)), ...TOTP.map((t) => t.slice(4, 20))];

const HEADER = 'id,first_name,last_name,username,primary_email_address,primary_phone_number,verified_email_addresses,unverified_email_addresses,verified_phone_numbers,unverified_phone_numbers,totp_secret,password_digest,password_hasher,created_at';
const rows = [
  ['user_s1', DIGESTS.bcrypt, 'bcrypt', TOTP[0]],
  ['user_s2', DIGESTS.argon2id, 'argon2id', TOTP[1]],
  ['user_s3', DIGESTS.pbkdf2, 'pbkdf2_sha256_django', ''],
  ['user_s4', DIGESTS.md5, 'md5', ''],
].map(([id, digest, hasher, totp]) => `${id},S,,,${id}@example.test,,${id}@example.test,,,,${totp},"${digest}",${hasher},2024-03-01T12:00:00Z`);

let standin;
before(async () => { standin = await startStandin({ apiKey: API_KEY }); });
after(async () => { await standin.close(); });

/** Runs the CLI without blocking the stand-in core in this process. */
function cli(args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'host', 'cli.js'), ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

function assertNoSecret(text, where) {
  for (const s of FRAGMENTS) assert.ok(!text.includes(s), `${where} leaks ${s.slice(0, 12)}…`);
}

test('convert, validate and submit --dry-run leak no digest, TOTP secret or API key', async () => {
  const dir = tempDir('c2s-secrets-');
  const input = join(dir, 'export.csv');
  writeFileSync(input, `${HEADER}\n${rows.join('\n')}\n`);
  const out = join(dir, 'out');
  const env = { SUPERTOKENS_API_KEY: API_KEY };
  const runs = [
    await cli(['convert', input, '--out', out, '--features', 'mfa,account_linking']),
    await cli(['validate', join(out, 'batch-0001.json'), '--core', standin.url], env),
    await cli(['submit', out, '--core', standin.url, '--dry-run'], env),
    await cli(['submit', out, '--core', standin.url, '--dry-run', '--api-key', API_KEY]),
  ];
  runs.forEach((r, i) => {
    assertNoSecret(r.stdout, `run ${i} stdout`);
    assertNoSecret(r.stderr, `run ${i} stderr`);
  });
  assert.equal(runs[0].status, 0, runs[0].stderr);
  assert.match(runs[0].stdout, /4 records: [1-9] converted, \d deferred, 0 rejected/);
  assert.equal(runs[2].status, 0, runs[2].stderr);

  // The secrets are where they must be: batches (the core needs them) and the 0600 lazy file.
  // Every digest is in one of them: nothing lost, so the checks below look at real output.
  const batch = readFileSync(join(out, 'batch-0001.json'), 'utf8');
  assert.ok(batch.includes(DIGESTS.bcrypt) && batch.includes(TOTP[0]));
  const lazy = join(out, 'lazy-migration.ndjson');
  const lazyText = readFileSync(lazy, 'utf8');
  for (const d of Object.values(DIGESTS)) assert.ok(batch.includes(d) || lazyText.includes(d), d.slice(0, 10));
  assert.ok(lazyText.includes(DIGESTS.pbkdf2) && lazyText.includes(DIGESTS.md5));
  assert.equal(statSync(lazy).mode & 0o777, 0o600);

  const files = readdirSync(out);
  assert.ok(files.includes('report.json'));
  for (const name of files) {
    if (/^batch-\d+\.json$/.test(name)) continue;
    const path = join(out, name);
    const mode = statSync(path).mode & 0o777;
    if (mode === 0o600 && name !== 'report.json') continue;
    assertNoSecret(readFileSync(path, 'utf8'), `${name} (mode ${mode.toString(8)})`);
  }
  assertNoSecret(readFileSync(join(out, 'report.json'), 'utf8'), 'report.json');
});
