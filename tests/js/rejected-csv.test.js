// www/rejected-csv.js: which records are rejected, RFC 4180 quoting, and formula neutralising.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { neutralise, quote, csvLine, rejectedRecords, rejectedCsv } from '../../www/rejected-csv.js';
import { convertBytes } from '../../host/index.js';

const HEADER = 'id,first_name,last_name,username,primary_email_address,primary_phone_number,verified_email_addresses,unverified_email_addresses,verified_phone_numbers,unverified_phone_numbers,totp_secret,password_digest,password_hasher,created_at\n';
const BCRYPT = '$2b$10$U4C0ZY8OG8y41F9LusfKyu3HRMBL0rCZcKBVsXhgr.n8Ou6FPhzO2';

test('cells starting with = + - @ TAB or CR get a leading quote; others are untouched', () => {
  for (const payload of ['=HYPERLINK("http://x")', '+1', '-2+3', '@SUM(A1)', '\tx', '\rx']) {
    assert.equal(neutralise(payload), `'${payload}`);
  }
  for (const safe of ['user_1', ' =x', "'=x", 'a=b', '12', '']) assert.equal(neutralise(safe), safe);
  assert.equal(neutralise(undefined), '');
  assert.equal(neutralise(7), '7');
});

test('RFC 4180: quote only when needed, double inner quotes, CRLF line ends', () => {
  assert.equal(quote('plain'), 'plain');
  assert.equal(quote('a,b'), '"a,b"');
  assert.equal(quote('say "hi"'), '"say ""hi"""');
  assert.equal(quote('two\nlines'), '"two\nlines"');
  assert.equal(csvLine([1, undefined, '=HYPERLINK("http://x")', 'ok']), `1,,"'=HYPERLINK(""http://x"")",ok\r\n`);
});

test('one row per rejected record; deferred records and warnings are left out', () => {
  const diagnostics = [
    { code: 'missing-header', severity: 'error', message: 'file-level' },
    { record: 1, line: 2, userId: 'u1', code: 'totp-dropped', severity: 'warning', message: 'w' },
    { record: 2, line: 3, userId: 'u2', code: 'unsupported-hasher', severity: 'error', message: "password hasher 'md5' cannot be verified by the SuperTokens core; deferred to lazy migration at sign-in" },
    { record: 3, line: 4, userId: 'u3', code: 'core-rejected', severity: 'error', message: 'a' },
    { record: 3, line: 4, userId: 'u3', code: 'core-rejected', severity: 'error', message: 'b' },
    { record: 4, line: 5, code: 'wrong-column-count', severity: 'error', message: 'c' },
  ];
  assert.deepEqual(rejectedRecords(diagnostics), [
    { record: 3, line: 4, userId: 'u3', codes: ['core-rejected'], messages: ['a', 'b'] },
    { record: 4, line: 5, userId: undefined, codes: ['wrong-column-count'], messages: ['c'] },
  ]);
  assert.equal(rejectedCsv(diagnostics), 'record,line,userId,code,message\r\n3,4,u3,core-rejected,a | b\r\n4,5,,wrong-column-count,c\r\n');
});

test('the rows match the converter\'s rejected count, and a formula in a user id is neutralised', () => {
  const csv = HEADER
    + `user_ok,Ann,Lee,,a@example.com,,a@example.com,,,,,${BCRYPT},bcrypt,2024-03-01T12:00:00Z\n`
    + '"=HYPERLINK(""http://x"")",Bob,Lee,,,,,,,,,,,2024-03-01T12:00:00Z\n'
    + 'user_deferred,Cy,Lee,,c@example.com,,c@example.com,,,,,pbkdf2_sha256$260000$c2FsdHNhbHQ=$aGFzaGhhc2g=,pbkdf2_sha256_django,2024-03-01T12:00:00Z\n'
    + 'user_short,Dee\n'
    + 'user_ok,Ann,Lee,,a@example.com,,a@example.com,,,,,,,2024-03-01T12:00:00Z\n';
  const { summary, files } = convertBytes(csv);
  assert.equal(summary.deferred, 1);
  const report = JSON.parse(files['report.json']);
  const rows = rejectedRecords(report.diagnostics);
  assert.equal(rows.length, summary.rejected);
  assert.equal(summary.rejected, 3);
  const text = rejectedCsv(report.diagnostics);
  assert.match(text, /\r\n2,3,"'=HYPERLINK\(""http:\/\/x""\)",no-identifier,"user has no email/);
  assert.ok(!/(^|,)"?[=+\-@]/m.test(text.split('\r\n').slice(1).join('\n')), 'no cell starts with a formula trigger');
});
