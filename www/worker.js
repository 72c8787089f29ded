// All WebAssembly runs here, never on the page's main thread (STYLE.md, "The page").
//
// Protocol (one conversion per message; the page terminates this worker to cancel):
//   page -> worker  {type: 'start', file: File, options: ConvertOptions, run: string | null}
//                   {type: 'validate', id, text, context: CoreContext}   any time, even mid-conversion
//   worker -> page  {type: 'ready'}                          once the module is instantiated
//                   {type: 'progress', bytes, totalBytes, records, converted, deferred,
//                    rejected, batches, elapsedMs, usersPerSecond, wasmBytes}  one per pushed chunk
//                   {type: 'result', summary, stats, files, storage, diagnostics, preview, elapsedMs}
//                   {type: 'validation', id, verdict: RequestVerdict} or {type: 'validation', id, error}
//                   {type: 'error', message, phase: 'init' | 'options' | 'convert'}
// `run` names the OPFS directory the page claimed for this conversion (www/output-store.js), or
// is null to keep the files in memory. `files` are {name, secret, size, blob}: each blob is the
// File backed by the OPFS file written as the pieces arrived (`storage: 'opfs'`), or, when
// OPFS sync access handles are unavailable here, a Blob in memory (`storage: 'memory'`).
// Besides the converter's own files, `files` has batches.zip (every batch, deflated as each
// batch is completed) and, when records were rejected, rejected.csv (www/rejected-csv.js).
import init, { Converter, validateBulkImport } from './pkg/clerk_to_supertokens.js';
import { BatchZip } from './batch-zip.js';
import { rejectedCsv } from './rejected-csv.js';
import { OpfsStore, MemoryStore } from './output-store.js';

/** Bytes per push: one call per chunk (STYLE.md), re-chunked because file streams give 64 KiB. */
const CHUNK_BYTES = 1 << 20;
/** Output files opened (or read back) at once: enough to hide the round trips, few enough for file descriptors. */
const OPEN_AT_ONCE = 64;
/** The converter's identity log, in the conversion's OPFS directory while it runs (src/sightings.rs). */
const IDENTITY_LOG = '.identity-log';
/** Converted users shown in the preview. */
const PREVIEW_USERS = 50;

/** The zip holding every batch file. */
const ZIP_NAME = 'batches.zip';
const BATCH = /^batch-\d+\.json$/;

let wasmMemory = null;
const ready = init().then(
  (exports) => {
    wasmMemory = exports.memory;
    postMessage({ type: 'ready' });
  },
  (err) => {
    postMessage({ type: 'error', phase: 'init', message: `the converter could not start: ${err?.message ?? err}` });
    throw err;
  },
);

let busy = false;

self.onmessage = async ({ data }) => {
  if (data?.type === 'validate') return validate(data);
  if (data?.type !== 'start') return;
  if (busy) {
    postMessage({ type: 'error', phase: 'convert', message: 'a conversion is already running in this worker' });
    return;
  }
  busy = true;
  try {
    await ready;
    postMessage(await convert(data.file, data.options, data.run));
  } catch (err) {
    postMessage({ type: 'error', phase: err?.phase ?? 'convert', message: String(err?.message || err || 'unknown error') });
  } finally {
    busy = false;
  }
};

async function convert(file, options, run) {
  let converter;
  try {
    converter = new Converter(options ?? {});
  } catch (err) {
    throw Object.assign(new Error(err?.message ?? String(err)), { phase: 'options' });
  }
  const started = performance.now();
  const store = (await OpfsStore.open(run)) ?? new MemoryStore();
  // With OPFS, the duplicate and conflict checks keep their log (24 bytes per email, phone,
  // account and id) on disk too, so the worker's wasm memory stays flat; in memory otherwise.
  const log = store.kind === 'opfs' ? await store.create(IDENTITY_LOG) : null;
  if (log) converter.keepIdentityLogOutside();
  /** @type {Map<string, {name: string, secret: boolean, sink: {write(b: Uint8Array): void, truncate(): void, close(): void, file(): Promise<Blob>}}>} */
  const outputs = new Map();
  let preview = null;
  /** @type {BatchZip | null} */
  let zip = null;
  let zipSink = null;
  let zipSecret = false;
  // Pieces come as UTF-8 bytes (pushBytes), written as they are: never decoded, except the
  // first batch for the preview. Opening a file is a round trip to the browser's storage, so the
  // files a chunk starts are opened OPEN_AT_ONCE at a time, in parallel (small batches make
  // thousands of files).
  const take = async (pieces) => {
    for (let i = 0; i < pieces.length; i += OPEN_AT_ONCE) {
      const group = pieces.slice(i, i + OPEN_AT_ONCE);
      const fresh = [...new Set(group.map((piece) => piece.name))].filter((name) => !outputs.has(name));
      const sinks = await Promise.all(fresh.map((name) => store.create(name)));
      fresh.forEach((name, j) => outputs.set(name, { name, secret: false, sink: sinks[j] }));
      if (!zip && group.some((piece) => BATCH.test(piece.name))) zip = new BatchZip({ sink: (zipSink = await store.create(ZIP_NAME)) });
      for (const piece of group) {
        const out = outputs.get(piece.name);
        out.secret ||= piece.secret;
        if (!piece.append) out.sink.truncate();
        out.sink.write(piece.bytes);
        if (BATCH.test(piece.name)) {
          // A batch comes whole, in one piece: complete in OPFS now, and into the zip.
          out.sink.close();
          if (!preview) preview = previewOf(piece.bytes);
          zip.add(piece.name, piece.bytes);
          zipSecret ||= piece.secret;
        }
      }
    }
  };
  const report = (bytes) => {
    const p = converter.progress();
    const elapsedMs = performance.now() - started;
    postMessage({
      type: 'progress',
      ...p,
      bytes,
      totalBytes: file.size,
      elapsedMs,
      usersPerSecond: elapsedMs > 0 ? Math.round((p.records * 1000) / elapsedMs) : 0,
      wasmBytes: wasmMemory?.buffer.byteLength ?? 0,
    });
  };

  try {
    let read = 0;
    for await (const chunk of chunksOf(file)) {
      read += chunk.length;
      await take(converter.pushBytes(chunk));
      log?.write(converter.takeIdentityLog());
      report(read);
    }
    if (read === 0) report(0);
    await take(converter.finishBytes());
    if (log) {
      log.write(converter.takeIdentityLog());
      const buffer = new Uint8Array(CHUNK_BYTES);
      while (converter.replayNeeded()) {
        log.replay(buffer, (piece) => converter.replayIdentityLog(piece));
        await take(converter.endReplayBytes());
        log.write(converter.takeIdentityLog());
      }
      log.close();
      await store.remove(IDENTITY_LOG);
    }
    const { bytes: _consumed, ...summary } = converter.progress();
    const files = [];
    const sorted = [...outputs.values()].sort((a, b) => a.name.localeCompare(b.name));
    for (let i = 0; i < sorted.length; i += OPEN_AT_ONCE) {
      files.push(...await Promise.all(sorted.slice(i, i + OPEN_AT_ONCE).map(async (f) => {
        const blob = await f.sink.file();
        return { name: f.name, secret: f.secret, size: blob.size, blob };
      })));
    }
    const reportFile = files.find((f) => f.name === 'report.json');
    const reportJson = reportFile ? JSON.parse(await reportFile.blob.text()) : {};
    const diagnostics = reportJson.diagnostics ?? [];
    if (zip) {
      zip.finish();
      const blob = await zipSink.file();
      files.push({ name: ZIP_NAME, secret: zipSecret, size: blob.size, blob, files: zip.files });
    }
    if (summary.rejected > 0) {
      const sink = await store.create('rejected.csv');
      sink.write(new TextEncoder().encode(rejectedCsv(diagnostics)));
      const blob = await sink.file();
      files.push({ name: 'rejected.csv', secret: false, size: blob.size, blob });
    }
    return {
      type: 'result', summary, stats: reportJson.stats ?? null, files, storage: store.kind, diagnostics, preview: preview ?? [], elapsedMs: performance.now() - started,
    };
  } finally {
    // After a failure too: an open access handle would keep the directory from being removed.
    store.closeAll();
    converter.free();
  }
}

/**
 * The file in CHUNK_BYTES pieces (the last one shorter), each a view of one reused buffer that
 * is valid until the next piece is asked for. Where a Blob's stream is a byte stream, a BYOB
 * reader reads straight into that buffer, so reading allocates nothing per chunk (dead chunks
 * would otherwise pile up in the worker until the next garbage collection); elsewhere the
 * stream's own chunks are copied into it.
 * @param {Blob} file
 */
async function* chunksOf(file) {
  let buffer = new ArrayBuffer(CHUNK_BYTES);
  let filled = 0;
  let byob = null;
  try {
    byob = file.stream().getReader({ mode: 'byob' });
  } catch {
    // not a byte stream here
  }
  if (byob) {
    for (;;) {
      const { done, value } = await byob.read(new Uint8Array(buffer, filled, CHUNK_BYTES - filled));
      if (value) buffer = value.buffer; // each read transfers the buffer and hands it back
      if (done) break;
      filled += value.length;
      if (filled === CHUNK_BYTES) {
        yield new Uint8Array(buffer, 0, filled);
        filled = 0;
      }
    }
  } else {
    const bytes = new Uint8Array(buffer);
    const reader = file.stream().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (let offset = 0; offset < value.length;) {
        const n = Math.min(value.length - offset, CHUNK_BYTES - filled);
        bytes.set(value.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        if (filled === CHUNK_BYTES) {
          yield bytes.subarray(0, filled);
          filled = 0;
        }
      }
    }
  }
  if (filled > 0) yield new Uint8Array(buffer, 0, filled);
}

/** The core's verdict on a bulk-import body; synchronous, so it runs between conversion chunks. */
async function validate({ id, text, context }) {
  try {
    await ready;
    postMessage({ type: 'validation', id, verdict: validateBulkImport(String(text ?? ''), context ?? {}) });
  } catch (err) {
    postMessage({ type: 'validation', id, error: String(err?.message || err || 'unknown error') });
  }
}

/** A few converted users of the first batch, reduced to what the preview table shows. */
function previewOf(batchBytes) {
  let users;
  try {
    users = JSON.parse(new TextDecoder().decode(batchBytes)).users ?? [];
  } catch {
    return null;
  }
  return users.slice(0, PREVIEW_USERS).map((u) => {
    const meta = u.userMetadata ?? {};
    const name = [meta.first_name, meta.last_name].filter((x) => typeof x === 'string').join(' ');
    return {
      externalUserId: u.externalUserId ?? '',
      name,
      identifiers: (u.loginMethods ?? []).map((m) => m.email ?? m.phoneNumber ?? m.thirdPartyUserId ?? '').filter(Boolean).join(', '),
      loginMethods: (u.loginMethods ?? []).map((m) => (m.recipeId === 'thirdparty' ? `thirdparty:${m.thirdPartyId}` : m.recipeId)).join(', '),
      password: (u.loginMethods ?? []).some((m) => m.passwordHash) ? 'yes' : 'no',
      totp: (u.totpDevices ?? []).length ? 'yes' : 'no',
    };
  });
}
