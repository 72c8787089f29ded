#!/usr/bin/env node
// Deterministic generator of synthetic Clerk exports for the benchmarks.
//
//   node bench/generate.js --users N --seed S --out DIR
//
// Writes DIR/users.csv (the Dashboard "Export users" CSV, 14 columns, spec/clerk-exports.md §2)
// and DIR/users.json (Backend API `User` objects, a bare array, §5) describing the same users,
// plus DIR/manifest.json (what was generated, and the counts a conversion must reconcile to).
// Output is streamed: memory stays flat however many users are asked for. The same seed and
// user count always give byte-identical files. No dependencies.
import { openSync, writeSync, closeSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

export const CSV_HEADER =
  'id,first_name,last_name,username,primary_email_address,primary_phone_number,verified_email_addresses,unverified_email_addresses,verified_phone_numbers,unverified_phone_numbers,totp_secret,password_digest,password_hasher,created_at';

/** sfc32, seeded through splitmix32 from a string: fast, 32-bit, reproducible everywhere. */
export function rng(seed) {
  let h = 0x9e3779b9;
  for (const ch of String(seed)) h = Math.imul(h ^ ch.codePointAt(0), 0x85ebca6b) >>> 0;
  const mix = () => {
    h = (h + 0x9e3779b9) >>> 0;
    let z = h;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = mix(), b = mix(), c = mix(), d = mix();
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 16; i++) next();
  /** uniform float in [0, 1) */
  const float = () => next() / 4294967296;
  return {
    float,
    int: (n) => Math.floor(float() * n),
    pick: (arr) => arr[Math.floor(float() * arr.length)],
    chance: (p) => float() < p,
    chars: (alphabet, n) => {
      let s = '';
      for (let i = 0; i < n; i++) s += alphabet[Math.floor(float() * alphabet.length)];
      return s;
    },
  };
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BCRYPT64 = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const HEX = '0123456789abcdef';

const FIRST = ['Jane', 'John', 'Ada', 'Grace', 'Alan', 'Linus', 'Margaret', 'Katherine', 'Tim', 'Barbara',
  'José', 'Zoë', 'Søren', 'Björk', 'François', 'Łukasz', 'Ørjan', 'Dvořák', 'Aiko', '太郎', '日本',
  'Mohammed', 'Priya', 'Chen', 'Olúwáṣeun', 'Siobhán', 'Renée', 'Noah', 'Emma', 'Liam', '🙂 Sam', 'Ана'];
const LAST = ['Doe', 'Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Hamilton', 'Johnson', 'Berners-Lee',
  'Liskov', 'Núñez', 'Østergård', 'Müller', 'Tanaka', '山田', '日本語', 'Smith', 'García', 'Nguyễn',
  'Kowalski', 'Ó Briain', 'Dubois', 'Rossi', 'Popescu', 'Иванова', 'Kim', 'Patel', 'Okafor', '🚀'];
// Values a spreadsheet would run as a formula, or that need quoting: the Dashboard TAB-prefixes
// the first kind (§2.5), and encoding/csv quotes both (§2.7).
const TRICKY_FIRST = ['=SUM(A1)', '@handle', '+Plus', '-dash', '＝Wide', 'O"Quote', 'Maria, Ana'];
const TRICKY_LAST = ['=1+1', '@home', 'O\'Brien, Jr.', '"Nick"', '-Minus', '＠Full'];
const DOMAINS = ['example.com', 'example.org', 'mail.example.net', 'corp.example'];
const PROVIDERS = [['oauth_google', 0.7], ['oauth_github', 0.2], ['oauth_custom_acme', 0.1]];
// One Firebase project: one signer key and salt separator for every scrypt_firebase digest (§8.2).
const FIREBASE_SIGNER_KEY = 'jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==';
const FIREBASE_SALT_SEPARATOR = 'Bw==';

// Hasher mix of users with a password. bcrypt dominates real Dashboard exports (§2.8); the rest
// are users imported into Clerk who have not signed in since (§8.3).
const HASHERS = [['bcrypt', 0.86], ['argon2id', 0.04], ['scrypt_firebase', 0.04], ['pbkdf2_sha256', 0.03], ['md5', 0.03]];
/** Hashers the SuperTokens core stores as-is (spec/clerk-exports.md §8.2, last column). */
const CORE_DIRECT = new Set(['bcrypt', 'argon2id']);

const START_S = Date.UTC(2019, 0, 1) / 1000;
const SPAN_S = (Date.UTC(2025, 11, 31) / 1000) - START_S;

function weighted(r, table) {
  let x = r.float();
  for (const [v, w] of table) {
    if ((x -= w) < 0) return v;
  }
  return table[table.length - 1][0];
}

/** `n` random bytes in canonical base64 (decoders such as the argon2 crate reject stray bits). */
function b64(r, n, pad = true) {
  const text = Buffer.from(Array.from({ length: n }, () => Math.floor(r.float() * 256))).toString('base64');
  return pad ? text : text.replace(/=+$/, '');
}

function digest(r, hasher) {
  switch (hasher) {
    case 'bcrypt':
      return `$2${r.chance(0.5) ? 'a' : 'b'}$10$${r.chars(BCRYPT64, 53)}`;
    case 'argon2id':
      return `$argon2id$v=19$m=65536,t=2,p=1$${b64(r, 16, false)}$${b64(r, 32, false)}`;
    case 'scrypt_firebase':
      return `${b64(r, 64)}$${b64(r, 16)}$${FIREBASE_SIGNER_KEY}$${FIREBASE_SALT_SEPARATOR}$8$14`;
    case 'pbkdf2_sha256':
      return `pbkdf2_sha256$260000$${b64(r, 16)}$${b64(r, 32)}`;
    case 'md5':
      return r.chars(HEX, 32);
    default:
      throw new Error(hasher);
  }
}

function asciiLocal(s) {
  const t = s.normalize('NFKD').replace(/[^A-Za-z0-9]/g, '').toLowerCase();
  return t || 'user';
}

function phone(r, i, n) {
  // Unique per user (and per slot n): the user index is part of the number.
  const k = String(i * 4 + n).padStart(8, '0');
  switch (r.int(4)) {
    case 0: return `+4477${k}`;
    case 1: return `+8190${k}`;
    default: return `+1555${k.slice(-7)}${n}`;
  }
}

/** One synthetic user, in a neutral form both writers read. */
export function makeUser(r, i) {
  const id = `user_${r.chance(0.7) ? '2' : '3'}${r.chars(BASE62, 26)}`;
  const createdS = START_S + r.int(SPAN_S);
  const first = r.chance(0.08) ? '' : r.chance(0.03) ? r.pick(TRICKY_FIRST) : r.pick(FIRST);
  const last = r.chance(0.12) ? '' : r.chance(0.03) ? r.pick(TRICKY_LAST) : r.pick(LAST);
  const username = r.chance(0.3) ? `${asciiLocal(first + last)}${i}` : '';
  const emails = []; // {value, verified, primary}
  const hasEmail = r.chance(0.92);
  if (hasEmail) {
    const local = `${asciiLocal(first)}.${asciiLocal(last)}.${i}`;
    emails.push({ value: `${local}@${r.pick(DOMAINS)}`, verified: r.chance(0.9), primary: true });
    const extra = r.chance(0.2) ? (r.chance(0.2) ? 2 : 1) : 0;
    for (let k = 0; k < extra; k++) {
      emails.push({ value: `${local}+${k + 1}@${r.pick(DOMAINS)}`, verified: r.chance(0.6), primary: false });
    }
  }
  const phones = [];
  if (!hasEmail || r.chance(0.3)) {
    phones.push({ value: phone(r, i, 0), verified: r.chance(0.85), primary: true });
    if (r.chance(0.1)) phones.push({ value: phone(r, i, 1), verified: r.chance(0.5), primary: false });
  }
  const totp = r.chance(0.1) ? r.chars(BASE32, 32) : '';
  let hasher = '';
  let pwDigest = '';
  if (hasEmail && r.chance(0.8)) {
    hasher = weighted(r, HASHERS);
    pwDigest = digest(r, hasher);
  }
  const accounts = [];
  if (hasEmail && r.chance(0.2)) {
    const provider = weighted(r, PROVIDERS);
    accounts.push({ provider, providerUserId: r.chars('0123456789', 21), email: emails[0].value, id: r.chars(BASE62, 27), idn: r.chars(BASE62, 27) });
  }
  const meta = r.chance(0.15) ? { role: r.pick(['admin', 'member', 'viewer']), plan: r.pick(['free', 'pro']) } : {};
  const priv = r.chance(0.1) ? { stripe_customer_id: `cus_${r.chars(BASE62, 14)}` } : {};
  const idns = [...emails, ...phones].map(() => r.chars(BASE62, 27));
  const lastSignIn = r.chance(0.7) ? (createdS + r.int(86400 * 365)) * 1000 : null;
  return { id, createdS, first, last, username, emails, phones, totp, hasher, pwDigest, accounts, meta, priv, idns, lastSignIn };
}

/** The Dashboard's formula guard (§2.5, clerk_go pkg/csvsafe): a TAB before = + - @ TAB CR LF or fullwidth forms. */
export function csvsafe(v) {
  return /^[=+\-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20]/u.test(v) ? `\t${v}` : v;
}

/** Go encoding/csv quoting (§2.7): quote when the field has , " CR LF or starts with whitespace. */
export function goCsvField(v) {
  if (v === '') return v;
  if (/[",\r\n]/.test(v) || /^\s/u.test(v)) return `"${v.replaceAll('"', '""')}"`;
  return v;
}

const rfc3339 = (s) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');

export function csvRow(u) {
  const list = (ids, verified) => ids.filter((x) => x.verified === verified).map((x) => x.value).join(',');
  const primaryEmail = u.emails[0]?.value ?? '';
  const primaryPhone = u.phones[0]?.value ?? '';
  const cells = [
    u.id, u.first, u.last, u.username, primaryEmail, primaryPhone,
    list(u.emails, true), list(u.emails, false), list(u.phones, true), list(u.phones, false),
    u.totp, u.pwDigest, u.hasher, rfc3339(u.createdS),
  ];
  return cells.map((c) => goCsvField(csvsafe(c))).join(',') + '\n';
}

export function bapiUser(u) {
  const createdMs = u.createdS * 1000;
  const verification = (ok, strategy) => ({ status: ok ? 'verified' : 'unverified', strategy, attempts: ok ? null : 1, expire_at: ok ? null : createdMs + 600000 });
  let k = 0;
  const emailAddresses = u.emails.map((e) => ({
    id: `idn_${u.idns[k++]}`,
    object: 'email_address',
    email_address: e.value,
    reserved: false,
    verification: verification(e.verified, 'email_code'),
    linked_to: e.primary ? u.accounts.map((a) => ({ type: a.provider, id: `idn_${a.idn}` })) : [],
    matches_sso_connection: false,
    created_at: createdMs,
    updated_at: createdMs,
  }));
  const phoneNumbers = u.phones.map((p) => ({
    id: `idn_${u.idns[k++]}`,
    object: 'phone_number',
    phone_number: p.value,
    reserved_for_second_factor: false,
    default_second_factor: false,
    reserved: false,
    verification: verification(p.verified, 'phone_code'),
    linked_to: [],
    backup_codes: null,
    created_at: createdMs,
    updated_at: createdMs,
  }));
  const externalAccounts = u.accounts.map((a) => ({
    object: 'external_account',
    id: `eac_${a.id}`,
    provider: a.provider,
    identification_id: `idn_${a.idn}`,
    provider_user_id: a.providerUserId,
    approved_scopes: 'email openid profile',
    email_address: a.email,
    first_name: u.first,
    last_name: u.last,
    avatar_url: '',
    image_url: '',
    username: null,
    phone_number: null,
    public_metadata: {},
    label: null,
    created_at: createdMs,
    updated_at: createdMs,
    verification: { status: 'verified', strategy: a.provider, attempts: null, expire_at: createdMs + 600000 },
  }));
  return {
    id: u.id,
    object: 'user',
    username: u.username || null,
    first_name: u.first || null,
    last_name: u.last || null,
    image_url: 'https://img.clerk.com/eyJ0eXBlIjoiZGVmYXVsdCJ9',
    has_image: false,
    primary_email_address_id: emailAddresses[0]?.id ?? null,
    primary_phone_number_id: phoneNumbers[0]?.id ?? null,
    primary_web3_wallet_id: null,
    password_enabled: u.pwDigest !== '',
    two_factor_enabled: u.totp !== '',
    totp_enabled: u.totp !== '',
    backup_code_enabled: false,
    email_addresses: emailAddresses,
    phone_numbers: phoneNumbers,
    web3_wallets: [],
    passkeys: [],
    external_accounts: externalAccounts,
    saml_accounts: [],
    enterprise_accounts: [],
    public_metadata: u.meta,
    private_metadata: u.priv,
    unsafe_metadata: {},
    external_id: null,
    last_sign_in_at: u.lastSignIn,
    banned: false,
    locked: false,
    lockout_expires_in_seconds: null,
    verification_attempts_remaining: 100,
    created_at: createdMs,
    updated_at: createdMs,
    delete_self_enabled: true,
    create_organization_enabled: true,
    last_active_at: u.lastSignIn,
    mfa_enabled_at: u.totp ? createdMs : null,
    mfa_disabled_at: null,
    legal_accepted_at: null,
    profile_image_url: 'https://www.gravatar.com/avatar?d=mp',
  };
}

/** Appends text to a file through a ~1 MiB buffer of strings. */
class BufferedFile {
  constructor(path) {
    this.fd = openSync(path, 'w');
    this.parts = [];
    this.size = 0;
  }
  write(s) {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= 1 << 20) this.flush();
  }
  flush() {
    if (this.parts.length) writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
  close() {
    this.flush();
    closeSync(this.fd);
  }
}

/** Stands in for a format that was not asked for (the users are generated all the same). */
class NullFile {
  write() {}
  close() {}
}

/** Generates the files; returns the manifest (also written to DIR/manifest.json). */
export function generate({ users, seed, out, formats = ['csv', 'json'] }) {
  mkdirSync(out, { recursive: true });
  const r = rng(seed);
  const csv = formats.includes('csv') ? new BufferedFile(join(out, 'users.csv')) : new NullFile();
  const json = formats.includes('json') ? new BufferedFile(join(out, 'users.json')) : new NullFile();
  csv.write(CSV_HEADER + '\n');
  json.write('[');
  const counts = { withEmail: 0, phoneOnly: 0, withPhone: 0, withPassword: 0, withTotp: 0, withExternalAccount: 0, unverifiedPrimaryEmail: 0, multipleEmails: 0, hashers: {} };
  let notDirect = 0;
  let scrypt = 0;
  for (let i = 0; i < users; i++) {
    const u = makeUser(r, i);
    csv.write(csvRow(u));
    json.write((i ? ',\n' : '\n') + JSON.stringify(bapiUser(u)));
    if (u.emails.length) counts.withEmail++;
    else counts.phoneOnly++;
    if (u.phones.length) counts.withPhone++;
    if (u.emails.length > 1) counts.multipleEmails++;
    if (u.emails[0] && !u.emails[0].verified) counts.unverifiedPrimaryEmail++;
    if (u.totp) counts.withTotp++;
    if (u.accounts.length) counts.withExternalAccount++;
    if (u.hasher) {
      counts.withPassword++;
      counts.hashers[u.hasher] = (counts.hashers[u.hasher] ?? 0) + 1;
      if (!CORE_DIRECT.has(u.hasher)) notDirect++;
      if (u.hasher === 'scrypt_firebase') scrypt++;
    }
  }
  json.write('\n]\n');
  csv.close();
  json.close();
  const manifest = {
    users,
    seed: String(seed),
    files: Object.fromEntries(formats.map((f) => [`users.${f}`, statSync(join(out, `users.${f}`)).size])),
    counts,
    // What converting users.csv with default options must report. Every user has an email or
    // a phone and a unique id, so none is rejected. Users with a digest the core cannot take
    // (pbkdf2, md5) are deferred; scrypt_firebase digests share one project, so they convert.
    expect: { records: users, rejected: 0, deferredMin: notDirect - scrypt, deferredMax: notDirect - scrypt },
  };
  const m = new BufferedFile(join(out, 'manifest.json'));
  m.write(JSON.stringify(manifest, null, 2) + '\n');
  m.close();
  return manifest;
}

function main() {
  const { values } = parseArgs({
    options: {
      users: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string' },
      formats: { type: 'string', default: 'csv,json' },
      quiet: { type: 'boolean', default: false },
    },
  });
  const formats = values.formats.split(',').filter(Boolean);
  const users = Number(values.users);
  if (!Number.isInteger(users) || users < 0 || !values.out || !formats.length || formats.some((f) => f !== 'csv' && f !== 'json')) {
    process.stderr.write('usage: node bench/generate.js --users N --seed S --out DIR [--formats csv,json]\n');
    return 2;
  }
  const started = performance.now();
  const m = generate({ users, seed: values.seed, out: values.out, formats });
  if (!values.quiet) {
    const sizes = Object.entries(m.files).map(([name, n]) => `${join(values.out, name)} ${(n / 1e6).toFixed(1)} MB (${n} bytes)`);
    process.stdout.write(`${users} users (seed ${m.seed}) in ${((performance.now() - started) / 1000).toFixed(1)} s: ${sizes.join(', ')}\n`);
  }
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main();
