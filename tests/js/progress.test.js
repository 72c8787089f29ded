// Progress output: one updating line on a TTY (staged of total, rate, ETA), plain lines otherwise, nothing
// when quiet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgress, duration } from '../../host/progress.js';

function sink() {
  const parts = [];
  return { stream: { write: (/** @type {string} */ s) => parts.push(s) }, text: () => parts.join('') };
}

test('TTY: one line rewritten in place with rate and ETA', () => {
  let now = 0;
  const s = sink();
  const p = createProgress({ stream: s.stream, isTTY: true, now: () => now });
  p.update(0, 50_000);
  now = 2000;
  p.update(10_000, 50_000, 'batch-0001.json');
  p.note('batch-0002.json: the core rejected 3 user(s)');
  p.done();
  const t = s.text();
  assert.ok(t.startsWith('\r\x1b[2Kstaged 0 of 50,000 users (0%)'));
  assert.match(t, /\r\x1b\[2Kstaged 10,000 of 50,000 users \(20%\), 5,000 users\/s, ETA 8s \[batch-0001\.json\]/);
  assert.match(t, /\r\x1b\[2Kbatch-0002\.json: the core rejected 3 user\(s\)\nstaged 10,000/);
  assert.ok(t.endsWith('\n'));
  assert.equal(t.split('\n').length, 3, 'progress itself adds no lines');
});

test('non-TTY: plain lines; quiet: nothing', () => {
  let now = 0;
  const s = sink();
  const p = createProgress({ stream: s.stream, isTTY: false, now: () => now });
  p.update(0, 100);
  now = 1000;
  p.update(50, 100);
  p.done();
  assert.equal(s.text(), 'staged 0 of 100 users (0%)\nstaged 50 of 100 users (50%), 50 users/s, ETA 1s\n');
  assert.ok(!s.text().includes('\r'));
  const q = sink();
  const quiet = createProgress({ stream: q.stream, isTTY: true, quiet: true });
  quiet.update(1, 2);
  quiet.note('x');
  quiet.done();
  assert.equal(q.text(), '');
});

test('duration', () => {
  assert.equal(duration(0.2), '1s');
  assert.equal(duration(75), '1m15s');
  assert.equal(duration(3 * 3600 + 120), '3h02m');
  assert.equal(duration(Infinity), '?');
});
