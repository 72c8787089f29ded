// All WebAssembly runs here, never on the page's main thread (STYLE.md, "The page").
//
// Protocol (one conversion per message; the page terminates this worker to cancel):
//   page -> worker  {type: 'start', file: File, options: ConvertOptions}
//                   {type: 'validate', id, text, context: CoreContext}   any time, even mid-conversion
//   worker -> page  {type: 'ready'}                          once the module is instantiated
//                   {type: 'progress', bytes, totalBytes, records, converted, deferred,
//                    rejected, batches, elapsedMs, usersPerSecond, wasmBytes}  one per pushed chunk
//                   {type: 'result', summary, stats, files, diagnostics, preview, elapsedMs}
//                   {type: 'validation', id, verdict: RequestVerdict} or {type: 'validation', id, error}
//                   {type: 'error', message, phase: 'init' | 'options' | 'convert'}
// `files` are {name, secret, size, blob}: outputs leave as Blobs, never as one giant string.
// Besides the converter's own files, `files` has batches.zip (every batch, deflated as each
// batch is completed) and, when records were rejected, rejected.csv (www/rejected-csv.js).
import init, { Converter, validateBulkImport } from './pkg/clerk_to_supertokens.js';
import { BatchZip } from './batch-zip.js';
import { rejectedCsv } from './rejected-csv.js';

/** Bytes per push: one call per chunk (STYLE.md), re-chunked because file streams give 64 KiB. */
const CHUNK_BYTES = 1 << 20;
/** Text held per output file before it is folded into a Blob, which the browser may keep on disk. */
const FOLD_CHARS = 8 << 20;
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
    postMessage(await convert(data.file, data.options));
  } catch (err) {
    postMessage({ type: 'error', phase: err?.phase ?? 'convert', message: String(err?.message || err || 'unknown error') });
  } finally {
    busy = false;
  }
};

/** One output file, accumulated as pieces in order of arrival. */
class OutputFile {
  constructor(name, secret) {
    this.name = name;
    this.secret = secret;
    /** @type {(string | Blob)[]} */
    this.parts = [];
    this.pending = 0;
  }

  /** @param {string | Uint8Array} data the piece's text, or its UTF-8 bytes */
  add(piece, data = piece.text) {
    if (!piece.append) {
      this.parts = [];
      this.pending = 0;
    }
    this.secret ||= piece.secret;
    this.parts.push(data);
    this.pending += data.length;
    if (this.pending >= FOLD_CHARS) {
      this.parts = [new Blob(this.parts)];
      this.pending = 0;
    }
  }

  blob() {
    const type = this.name.endsWith('.ndjson') ? 'application/x-ndjson' : this.name.endsWith('.json') ? 'application/json' : 'text/plain';
    return new Blob(this.parts, { type });
  }
}

async function convert(file, options) {
  let converter;
  try {
    converter = new Converter(options ?? {});
  } catch (err) {
    throw Object.assign(new Error(err?.message ?? String(err)), { phase: 'options' });
  }
  const started = performance.now();
  /** @type {Map<string, OutputFile>} */
  const outputs = new Map();
  let preview = null;
  /** @type {BatchZip | null} */
  let zip = null;
  let zipSecret = false;
  const encoder = new TextEncoder();
  const take = (pieces) => {
    for (const piece of pieces) {
      let out = outputs.get(piece.name);
      if (!out) outputs.set(piece.name, (out = new OutputFile(piece.name, piece.secret)));
      if (BATCH.test(piece.name)) {
        // A batch comes whole, in one piece: into the zip now, and kept as bytes (not also as text).
        if (!preview) preview = previewOf(piece.text);
        const bytes = encoder.encode(piece.text);
        zip ??= new BatchZip();
        zip.add(piece.name, bytes);
        zipSecret ||= piece.secret;
        out.add(piece, bytes);
      } else {
        out.add(piece);
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
    const buffer = new Uint8Array(CHUNK_BYTES);
    let filled = 0;
    let read = 0;
    const pushBuffer = () => {
      take(converter.push(buffer.subarray(0, filled)));
      filled = 0;
      report(read);
    };
    const reader = file.stream().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      let offset = 0;
      while (offset < value.length) {
        const n = Math.min(value.length - offset, CHUNK_BYTES - filled);
        buffer.set(value.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        read += n;
        if (filled === CHUNK_BYTES) pushBuffer();
      }
    }
    if (filled > 0) pushBuffer();
    else if (read === 0) report(0);
    take(converter.finish());
    const { bytes: _consumed, ...summary } = converter.progress();
    const reportFile = outputs.get('report.json');
    const reportJson = reportFile ? JSON.parse(await reportFile.blob().text()) : {};
    const diagnostics = reportJson.diagnostics ?? [];
    const files = [...outputs.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((f) => {
        const blob = f.blob();
        return { name: f.name, secret: f.secret, size: blob.size, blob };
      });
    if (zip) {
      const blob = zip.finish();
      files.push({ name: ZIP_NAME, secret: zipSecret, size: blob.size, blob, files: zip.files });
    }
    if (summary.rejected > 0) {
      const blob = new Blob([rejectedCsv(diagnostics)], { type: 'text/csv' });
      files.push({ name: 'rejected.csv', secret: false, size: blob.size, blob });
    }
    return {
      type: 'result', summary, stats: reportJson.stats ?? null, files, diagnostics, preview: preview ?? [], elapsedMs: performance.now() - started,
    };
  } finally {
    converter.free();
  }
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
function previewOf(batchText) {
  let users;
  try {
    users = JSON.parse(batchText).users ?? [];
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
