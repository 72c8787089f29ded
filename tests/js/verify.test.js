// verifyPassword through the wasm module in Node, on the committed known-answer vectors
// (made by an independent implementation: scripts/make-hash-vectors.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyPassword } from '../../host/index.js';
import { root } from './helpers.js';

const { vectors } = JSON.parse(readFileSync(join(root, 'tests', 'vectors', 'hashes.json'), 'utf8'));
const HASHERS = ['bcrypt', 'bcrypt_sha256_django', 'bcrypt_peppered', 'argon2i', 'argon2id', 'pbkdf2_sha1', 'pbkdf2_sha256',
  'pbkdf2_sha256_django', 'pbkdf2_sha512', 'pbkdf2_sha512_hex', 'md5', 'md5_salted', 'sha256', 'sha256_salted', 'sha512_symfony',
  'phpass', 'md5_phpass', 'ldap_ssha', 'scrypt_werkzeug', 'scrypt_firebase', 'hmac_sha256_utf16_b64'];

test('every public hasher has vectors', () => {
  for (const h of HASHERS) assert.ok(vectors.some((v) => v.hasher === h), h);
});

for (const hasher of HASHERS) {
  test(`${hasher}: the right password verifies, a wrong one does not`, () => {
    for (const v of vectors.filter((x) => x.hasher === hasher)) {
      const input = { hasher, digest: v.digest, pepper: v.pepper, signerKey: v.signerKey, saltSeparator: v.saltSeparator };
      assert.equal(verifyPassword({ ...input, password: v.password }), true, v.digest.slice(0, 12));
      assert.equal(verifyPassword({ ...input, password: v.wrongPassword }), false, v.digest.slice(0, 12));
    }
  });
}

test('awscognito and unknown hashers throw coded Errors that leak nothing', () => {
  const cases = [
    [{ hasher: 'awscognito', digest: 'awscognito#pool#client#user-secret-id', password: 'hunter2' }, 'unverifiable-hasher'],
    [{ hasher: 'whirlpool', digest: 'deadbeefsecret', password: 'hunter2' }, 'unknown-hasher'],
    [{ hasher: 'bcrypt', digest: '$2b$10$tooShortSecretDigest', password: 'hunter2' }, 'malformed-digest'],
  ];
  for (const [input, code] of cases) {
    assert.throws(() => verifyPassword(input), (e) => {
      assert.ok(e instanceof Error);
      assert.equal(e.code, code);
      assert.ok(e.message.length > 10);
      assert.ok(!e.message.includes('hunter2') && !e.message.includes('Secret') && !e.message.includes('secret-id'), e.message);
      return true;
    });
  }
});
