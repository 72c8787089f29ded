// createSessionFallback: a SuperTokens session first (injected verifier), else a Clerk session token verified
// offline by @clerk/backend's verifyToken with a locally generated RSA key pair and locally signed RS256 JWTs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { createSessionFallback } from '../../host/index.js';

// verifyToken's jwtKey reads a 2048-bit SPKI PEM (it strips the fixed RSA-2048 prefix to get the modulus).
const good = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwtKey = /** @type {string} */ (good.publicKey.export({ type: 'spki', format: 'pem' }));
const PARTY = 'http://localhost:3000';

const b64u = (/** @type {unknown} */ v) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** A Clerk-shaped session token, signed RS256 with node:crypto. */
function jwt(/** @type {Record<string, unknown>} */ claims = {}, key = good.privateKey, header = {}) {
  const now = Math.floor(Date.now() / 1000);
  const h = b64u({ alg: 'RS256', typ: 'JWT', kid: 'ins_test', ...header });
  const p = b64u({ sub: 'user_2abc', sid: 'sess_1', azp: PARTY, iss: 'https://clerk.x.dev', iat: now - 5, nbf: now - 5, exp: now + 60, ...claims });
  const signature = sign('RSA-SHA256', Buffer.from(`${h}.${p}`), key).toString('base64url');
  return `${h}.${p}.${signature}`;
}

const bearer = (/** @type {string} */ token) => ({ headers: { authorization: `Bearer ${token}` } });
const fallback = createSessionFallback({ jwtKey, authorizedParties: [PARTY] });

test('a valid Clerk token is accepted from Authorization: Bearer and from the __session cookie', async () => {
  assert.deepEqual(await fallback(bearer(jwt())), { source: 'clerk', userId: 'user_2abc' });
  assert.deepEqual(await fallback({ headers: { cookie: `theme=dark; __session=${jwt({ sub: 'user_cookie' })}; x=1` } }),
    { source: 'clerk', userId: 'user_cookie' });
  // a Fetch API Request (Headers with .get) works too
  assert.deepEqual(await fallback(new Request('http://x/', { headers: { authorization: `Bearer ${jwt()}` } })), { source: 'clerk', userId: 'user_2abc' });
});

test('expired, wrong-key, tampered, unsigned and foreign-party tokens are rejected; no token is null', async () => {
  assert.equal(await fallback(bearer(jwt({ exp: Math.floor(Date.now() / 1000) - 3600, iat: Math.floor(Date.now() / 1000) - 7200, nbf: Math.floor(Date.now() / 1000) - 7200 }))), null, 'expired');
  assert.equal(await fallback(bearer(jwt({}, other.privateKey))), null, 'signed with another key');
  const [h, , s] = jwt().split('.');
  assert.equal(await fallback(bearer(`${h}.${b64u({ sub: 'user_admin', azp: PARTY, iat: 1, exp: 4e9 })}.${s}`)), null, 'payload changed after signing');
  assert.equal(await fallback(bearer(`${b64u({ alg: 'none', typ: 'JWT' })}.${jwt().split('.')[1]}.`)), null, 'alg none');
  assert.equal(await fallback(bearer(jwt({ azp: 'https://evil.example' }))), null, 'another authorized party');
  assert.equal(await fallback(bearer('not-a-jwt')), null);
  assert.equal(await fallback({ headers: {} }), null);
});

test('a SuperTokens session wins over a Clerk token; without one the Clerk token is used', async () => {
  /** @type {any[]} */
  const asked = [];
  const withSt = createSessionFallback({
    jwtKey,
    authorizedParties: [PARTY],
    verifySuperTokensSession: async (req) => {
      asked.push(req);
      return req.headers['st-access-token'] ? { getUserId: () => 'st-user-1' } : undefined;
    },
  });
  const token = jwt();
  assert.deepEqual(await withSt({ headers: { 'st-access-token': 'x', authorization: `Bearer ${token}` } }), { source: 'supertokens', userId: 'st-user-1' });
  assert.deepEqual(await withSt(bearer(token)), { source: 'clerk', userId: 'user_2abc' });
  assert.equal(await withSt({ headers: {} }), null);
  assert.equal(asked.length, 3);
  // errors of the SuperTokens verifier (e.g. try-refresh-token) reach the caller
  const throwing = createSessionFallback({ jwtKey, verifySuperTokensSession: async () => { throw Object.assign(new Error('try refresh'), { type: 'TRY_REFRESH_TOKEN' }); } });
  await assert.rejects(throwing(bearer(token)), /try refresh/);
});

test('jwtKey is required', () => {
  assert.throws(() => createSessionFallback(/** @type {any} */ ({})), (/** @type {any} */ e) => e.code === 'ERR_USAGE');
});
