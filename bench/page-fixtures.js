// What the page's e2e tests and its memory benchmark share: how Chromium is started (the flags
// DESIGN.md names) and the large export both convert, so that the benchmark measures exactly
// the file the 200,000-user e2e test converts.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** Debian's Chromium, or CHROMIUM_PATH. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Headless, sandbox-less (root in CI), and nothing that would reach the network by itself. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Clerk's Dashboard CSV header (14 columns). */
export const DASHBOARD_HEADER = 'id,first_name,last_name,username,primary_email_address,primary_phone_number,verified_email_addresses,unverified_email_addresses,verified_phone_numbers,unverified_phone_numbers,totp_secret,password_digest,password_hasher,created_at\n';
/** A bcrypt digest (of no password that matters). */
export const BCRYPT_DIGEST = '$2b$10$U4C0ZY8OG8y41F9LusfKyu3HRMBL0rCZcKBVsXhgr.n8Ou6FPhzO2';

/** `rows` simple Dashboard rows, each a bcrypt user with one verified email, written as a stream. */
export async function writeLargeCsv(path, rows) {
  const out = createWriteStream(path);
  out.write(DASHBOARD_HEADER);
  for (let i = 0; i < rows; i++) {
    const line = `user_${String(i).padStart(27, '0')},First${i},Last${i},,u${i}@example.com,,u${i}@example.com,,,,,${BCRYPT_DIGEST},bcrypt,2024-03-01T12:00:00Z\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
