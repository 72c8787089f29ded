// A Rust panic inside wasm reaches JavaScript as a readable Error, and the module keeps working.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import core from '../../host/wasm.js';
import { Converter, convertBytes, validateBulkImport } from '../../host/index.js';

const CSV = 'id,primary_email_address\nuser_1,a@x.dev\n';

test('a panic becomes an Error that says what panicked, with the trap as its cause', () => {
  const before = core.restarts;
  assert.throws(() => core.__panicForTest('boom: the test asked for it'), (err) => {
    assert.ok(err instanceof Error);
    assert.equal(err.code, 'INTERNAL_ERROR');
    assert.match(err.message, /^internal error in the converter \(a bug\): panicked at .*boom: the test asked for it; the module was restarted$/);
    assert.ok(err.cause instanceof WebAssembly.RuntimeError, `cause: ${err.cause}`);
    return true;
  });
  assert.equal(core.restarts, before + 1);
});

const refilled = async () => { while (core.refilling > 0) await new Promise((r) => setTimeout(r, 5)); };

test('the module works again right after a panic, every time', async () => {
  for (let i = 0; i < 4; i++) {
    assert.throws(() => core.__panicForTest(`panic ${i}`), new RegExp(`panic ${i}; the module was restarted`));
    const { summary } = convertBytes(CSV, { nowMs: 1.8e12 });
    assert.deepEqual(summary, { records: 1, converted: 1, deferred: 0, rejected: 0, batches: 1 });
    assert.equal(validateBulkImport('{"users":[]}').status, 200);
    await refilled();
  }
});

test('a Converter from before the restart refuses to continue with a readable Error; a new one works', () => {
  const old = new Converter({ nowMs: 1.8e12 });
  old.push(new TextEncoder().encode(CSV));
  assert.throws(() => core.__panicForTest('mid-conversion'), /mid-conversion/);
  assert.throws(() => old.push(new Uint8Array(1)), (err) => err.code === 'INTERNAL_ERROR' && /create a new one/.test(err.message));
  old.free();
  const fresh = new Converter({ nowMs: 1.8e12 });
  fresh.push(new TextEncoder().encode(CSV));
  fresh.finish();
  assert.equal(fresh.progress().converted, 1);
  fresh.free();
});

test('back-to-back panics without yielding are recovered from the spare instances', async () => {
  await refilled();
  for (let i = 0; i < core.spares; i++) {
    assert.throws(() => core.__panicForTest(`burst ${i}`), /the module was restarted/);
    assert.equal(convertBytes(CSV).summary.converted, 1);
  }
  await refilled();
  assert.equal(convertBytes(CSV).summary.converted, 1);
});

test('ordinary errors pass through unchanged and restart nothing', () => {
  const before = core.restarts;
  assert.throws(() => new Converter({ batchSize: 0 }), (err) => !err.code && /batchSize must be between/.test(err.message));
  assert.equal(core.restarts, before);
});
