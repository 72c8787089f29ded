// In-process conversion time of the lazy path: lazyImportBody for one user (no password hashing, no
// network). Median and p99 over 100,000 calls after a warm-up, per input form. Prints markdown rows,
// or with --json one JSON line for the richest user (what bench/run.js reads).
//   node bench/lazy.js [--calls 100000] [--warmup 10000] [--json]
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createLegacyStore, lazyImportBody } from '../host/lazy.js';

const arg = (/** @type {string} */ name, /** @type {number} */ dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const CALLS = arg('--calls', 100_000);
const WARMUP = arg('--warmup', 10_000);
const JSON_OUT = process.argv.includes('--json');

const dir = mkdtempSync(join(tmpdir(), 'c2s-bench-lazy-'));
const csv = join(dir, 'users.csv');
writeFileSync(csv, 'id,first_name,last_name,username,primary_email_address,primary_phone_number,verified_email_addresses,unverified_email_addresses,verified_phone_numbers,unverified_phone_numbers,totp_secret,password_digest,password_hasher,created_at\n'
  + 'user_2YDryYFVMM1W1plDDKz7Gzf4we6,Jane,Doe,jane,jane@example.com,+15555550100,"jane@example.com,jd@example.org",,+15555550100,,JBSWY3DPEHPK3PXP,$2b$10$U4C0ZY8OG8y41F9LusfKyu3HRMBL0rCZcKBVsXhgr.n8Ou6FPhzO2,bcrypt,2024-03-01T12:00:00Z\n'
  + 'user_2ZZCgLE7kJG2CRBxTZ6YUIvzS10,Grace,Hopper,grace,grace@example.com,,grace@example.com,,,,,5f4dcc3b5aa765d61d8327deb882cf99,md5,2023-11-14T22:13:20Z\n');
const store = await createLegacyStore(csv);
rmSync(dir, { recursive: true, force: true });

const bapi = {
  id: 'user_2ZZCgLE7kJG2CRBxTZ6YUIvzS10', object: 'user', first_name: 'Grace', last_name: 'Hopper', username: 'grace',
  primary_email_address_id: 'idn_1', primary_phone_number_id: null, public_metadata: { plan: 'pro' }, private_metadata: {}, unsafe_metadata: {},
  email_addresses: [{ id: 'idn_1', object: 'email_address', email_address: 'grace@example.com', verification: { status: 'verified', strategy: 'email_code' }, linked_to: [] }],
  phone_numbers: [], web3_wallets: [], external_accounts: [], password_enabled: true, two_factor_enabled: false, totp_enabled: false,
  banned: false, locked: false, created_at: 1_700_000_000_000, updated_at: 1_700_000_000_000,
};
const options = { features: ['mfa'] };
const cases = [
  ['normalised store user, bcrypt + TOTP (digest kept)', store.findByEmail('jane@example.com'), 'password'],
  ['normalised store user, md5 (plainTextPassword)', store.findByEmail('grace@example.com'), 'password'],
  ['Backend API User object (snake_case)', bapi, 'password'],
  ['Backend API User as JSON text', JSON.stringify(bapi), 'password'],
];

/** @param {number[]} sorted @param {number} q */
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

if (!JSON_OUT) {
  console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`${CALLS.toLocaleString('en')} calls per row after ${WARMUP.toLocaleString('en')} warm-up calls\n`);
  console.log('| Input | Median (µs) | p99 (µs) | Mean (µs) |');
  console.log('|---|---:|---:|---:|');
}
for (const [label, user, password] of JSON_OUT ? cases.slice(0, 1) : cases) {
  for (let i = 0; i < WARMUP; i++) lazyImportBody(user, password, options);
  const times = new Float64Array(CALLS);
  for (let i = 0; i < CALLS; i++) {
    const t0 = process.hrtime.bigint();
    const converted = lazyImportBody(user, password, options).user;
    times[i] = Number(process.hrtime.bigint() - t0) / 1000;
    // The check stays inside the measured run: a benchmark that silently converts nothing fails.
    if (!converted.externalUserId || !converted.loginMethods?.length) throw new Error(`lazy: ${label} did not convert`);
  }
  const sorted = Array.from(times).sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  if (JSON_OUT) {
    console.log(JSON.stringify({ calls: CALLS, medianUs: quantile(sorted, 0.5), p99Us: quantile(sorted, 0.99), minUs: sorted[0], api: `lazyImportBody (${label})` }));
  } else {
    console.log(`| ${label} | ${quantile(sorted, 0.5).toFixed(1)} | ${quantile(sorted, 0.99).toFixed(1)} | ${mean.toFixed(1)} |`);
  }
}
