// Hostile inputs through the CLI (`node host/cli.js convert`): each run ends with exit status 0,
// a reconciled report with located diagnostics, and a peak memory well under 500 MB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { root, tempDir, batchUsers, readJson } from './helpers.js';
import { smallCases, largeCases, PAYLOADS } from '../corpus/hostile/make.js';

const PEAK_LIMIT_KB = 500 * 1024;
// Reports the child's peak resident memory on exit, without changing the CLI.
const REPORT_PEAK = "data:text/javascript,process.on('exit',()=>process.stderr.write('\\nmaxRSS_KB='+process.resourceUsage().maxRSS+'\\n'))";

const cases = { ...smallCases(), ...largeCases() };

/** Converts one case with the CLI; returns the report, the output dir and the child's peak RSS. */
function convert(name, ...flags) {
  const dir = tempDir('c2s-hostile-');
  const input = join(dir, name);
  writeFileSync(input, cases[name]);
  const out = join(dir, 'out');
  const r = spawnSync(process.execPath, ['--import', REPORT_PEAK, join(root, 'host', 'cli.js'), 'convert', input, '--out', out, ...flags], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${name}: ${r.stderr}`);
  const peakKb = Number(r.stderr.match(/maxRSS_KB=(\d+)/)?.[1]);
  assert.ok(peakKb > 0 && peakKb < PEAK_LIMIT_KB, `${name}: peak ${peakKb} KB`);
  const report = readJson(join(out, 'report.json'));
  const s = report.summary;
  assert.equal(s.records, s.converted + s.deferred + s.rejected, `${name}: reconciles`);
  const errors = report.diagnostics.filter((d) => d.severity === 'error');
  for (const d of errors) assert.ok(Number.isInteger(d.line), `${name}: error without a line: ${JSON.stringify(d)}`);
  return { report, out, errors, stdout: r.stdout, stderr: r.stderr };
}

test('a 10 MB cell: one record skipped at line 2, the next converts', () => {
  const { report, out, errors } = convert('ten-mb-cell.csv');
  assert.deepEqual(errors.map((d) => [d.code, d.record, d.line]), [['record-too-large', 1, 2]]);
  assert.deepEqual(batchUsers(out).map((u) => u.externalUserId), ['user_after']);
  assert.equal(report.summary.rejected, 1);
});

test('a line of 1,000,000 columns: skipped at line 2, the next converts', () => {
  const { out, errors } = convert('million-columns.csv');
  assert.deepEqual(errors.map((d) => [d.code, d.record, d.line]), [['record-too-large', 1, 2]]);
  assert.deepEqual(batchUsers(out).map((u) => u.externalUserId), ['user_after']);
});

test('JSON nested 100,000 deep: a rejected record at line 1 for convert, and refused by validate as the core would', () => {
  const { report, errors } = convert('nested-100000.json');
  assert.deepEqual([report.summary.records, report.summary.rejected], [1, 1]);
  assert.deepEqual(errors.map((d) => [d.record, d.line]), [[1, 1]]);
  const dir = tempDir('c2s-hostile-');
  writeFileSync(join(dir, 'body.json'), cases['nested-100000.json']);
  const r = spawnSync(process.execPath, [join(root, 'host', 'cli.js'), 'validate', join(dir, 'body.json')], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stdout.trim(), 'Invalid Json Input');
});

test('UTF-16 files and a PNG are refused at line 1 with no batch written', () => {
  for (const name of ['utf16le-bom.csv', 'utf16be-bom.csv', 'image.png']) {
    const { report, out, errors } = convert(name);
    assert.equal(report.summary.records, 0, name);
    assert.deepEqual(errors.map((d) => [d.code, d.line]), [['unrecognised-format', 1]], name);
    if (name !== 'image.png') assert.match(errors[0].message, /UTF-16/);
    assert.deepEqual(readdirSync(out), ['report.json'], name);
  }
});

test('HTML and formula payloads come through verbatim in userMetadata, and nowhere else', () => {
  const { report, out, stdout, stderr } = convert('html-and-formulas.csv');
  assert.equal(report.summary.converted, 3);
  const metadata = batchUsers(out).flatMap((u) => Object.values(u.userMetadata));
  for (const payload of Object.values(PAYLOADS)) {
    assert.ok(metadata.includes(payload), `missing verbatim: ${payload}`);
    assert.ok(!JSON.stringify(report).includes(payload) && !stdout.includes(payload) && !stderr.includes(payload));
  }
});

test('invalid UTF-8 is located at its field; NUL bytes stay data', () => {
  const { out, errors } = convert('invalid-utf8-and-nul.csv');
  assert.deepEqual(errors.map((d) => [d.code, d.record, d.line, d.field]), [['invalid-utf8', 1, 2, 'first_name']]);
  const nul = batchUsers(out).find((u) => u.externalUserId === 'user_u2');
  assert.equal(nul.userMetadata.first_name, 'Nul\0Byte');
});

test('a cell listing 80,000 emails converts (linked) within the memory bound', () => {
  const { out } = convert('eighty-thousand-emails.csv', '--features', 'account_linking');
  const many = batchUsers(out).find((u) => u.externalUserId === 'user_many');
  assert.equal(many.loginMethods.length, 80_000);
});
