// Shared by the lazy-migration tests: a fake Clerk Backend API, and a Dashboard CSV built from the committed
// known-answer hash vectors (which carry the passwords).
import http from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './helpers.js';

/** @type {{hasher: string, digest: string, password: string, wrongPassword: string}[]} */
export const vectors = JSON.parse(readFileSync(join(root, 'tests', 'vectors', 'hashes.json'), 'utf8')).vectors;

/** The first vector of a hasher (in the export's own digest form, no extra parameters). */
export function vector(/** @type {string} */ hasher) {
  const v = vectors.find((x) => x.hasher === hasher && !('signerKey' in x) && !('pepper' in x));
  if (!v) throw new Error(`no vector for ${hasher}`);
  return v;
}

/**
 * Writes a Dashboard CSV with one user per hasher: id `user_<hasher>`, email `<hasher>@x.dev` (verified).
 * @param {string} path @param {string[]} hashers @param {{totp?: Record<string, string>}} [opts]
 */
export function writeDashboardCsv(path, hashers, opts = {}) {
  const header = 'id,first_name,last_name,username,primary_email_address,primary_phone_number,verified_email_addresses,unverified_email_addresses,verified_phone_numbers,unverified_phone_numbers,totp_secret,password_digest,password_hasher,created_at';
  const rows = hashers.map((h, i) => {
    const v = vector(h);
    const email = `${h}@x.dev`;
    const totp = opts.totp?.[h] ?? '';
    return `user_${h},First${i},Last${i},,${email},,${email},,,,${totp},"${v.digest}",${h},2024-0${1 + (i % 9)}-01T12:00:00Z`;
  });
  writeFileSync(path, `${header}\n${rows.join('\n')}\n`);
}

/** A Backend API `User` (snake_case), as GET /v1/users returns it. */
export function bapiUser(/** @type {string} */ id, /** @type {string} */ email, extra = {}) {
  return {
    id, object: 'user', external_id: null, username: null, first_name: 'Clara', last_name: 'Clerk', locale: null,
    image_url: 'https://img.clerk.com/x', has_image: false,
    primary_email_address_id: `idn_${id}`, primary_phone_number_id: null, primary_web3_wallet_id: null,
    public_metadata: { plan: 'pro' }, private_metadata: {}, unsafe_metadata: {},
    email_addresses: [{ id: `idn_${id}`, object: 'email_address', email_address: email, reserved: false,
      verification: { status: 'verified', strategy: 'email_code', attempts: 1, expire_at: null }, linked_to: [],
      created_at: 1_700_000_000_000, updated_at: 1_700_000_000_000 }],
    phone_numbers: [], web3_wallets: [], passkeys: [], external_accounts: [], saml_accounts: [], enterprise_accounts: [],
    password_enabled: true, two_factor_enabled: false, totp_enabled: false, backup_code_enabled: false,
    banned: false, locked: false, created_at: 1_700_000_000_000, updated_at: 1_700_000_000_000,
    last_sign_in_at: null, last_active_at: null, legal_accepted_at: null,
    delete_self_enabled: true, create_organization_enabled: true, create_organizations_limit: null,
    ...extra,
  };
}

/**
 * A fake Clerk Backend API on 127.0.0.1: GET /v1/users (email_address filter), GET /v1/users/count,
 * POST /v1/users/{id}/verify_password (200 {verified:true}, 422 wrong, 400 no password, 404 unknown).
 * @param {{user: any, password?: string}[]} users
 */
export async function startFakeClerk(users) {
  /** @type {{method: string, path: string, status: number}[]} */
  const requests = [];
  const byEmail = (/** @type {URLSearchParams} */ q) => {
    const wanted = [...q.getAll('email_address'), ...q.getAll('email_address[]')].map((e) => e.toLowerCase());
    return users.filter(({ user }) => wanted.length === 0
      || user.email_addresses.some((/** @type {any} */ e) => wanted.includes(e.email_address.toLowerCase())));
  };
  const errorBody = (/** @type {string} */ code, /** @type {string} */ message) =>
    ({ errors: [{ message, long_message: message, code, meta: {} }], meta: {}, clerk_trace_id: 'trace' });
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      /** @type {[number, unknown]} */
      let answer = [404, errorBody('resource_not_found', 'not found')];
      const verify = /^\/v1\/users\/([^/]+)\/verify_password$/.exec(url.pathname);
      if (req.method === 'GET' && url.pathname === '/v1/users') answer = [200, byEmail(url.searchParams).map((u) => u.user)];
      else if (req.method === 'GET' && url.pathname === '/v1/users/count') answer = [200, { object: 'total_count', total_count: byEmail(url.searchParams).length }];
      else if (req.method === 'POST' && verify) {
        const entry = users.find((u) => u.user.id === verify[1]);
        let password;
        try {
          password = JSON.parse(Buffer.concat(chunks).toString('utf8')).password;
        } catch { /* stays undefined */ }
        if (!entry) answer = [404, errorBody('resource_not_found', 'The user does not exist.')];
        else if (entry.password === undefined) answer = [400, errorBody('password_not_set', 'The user does not have a password set.')];
        else if (password !== entry.password) answer = [422, errorBody('incorrect_password', 'The provided password was incorrect.')];
        else answer = [200, { verified: true }];
      }
      requests.push({ method: req.method ?? '', path: url.pathname, status: answer[0] });
      res.writeHead(answer[0], { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer[1]));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    count: (/** @type {string} */ method, /** @type {RegExp} */ path) => requests.filter((r) => r.method === method && path.test(r.path)).length,
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
