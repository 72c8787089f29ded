// batches.zip, built while the conversion runs: each batch file is deflated into the archive
// the moment the converter completes it, so the zip never needs the batches read back, and
// its bytes are kept as Blob parts, never as one giant string or buffer.
//
// fflate's synchronous streaming classes only: its async API starts workers from blob: URLs,
// which the page's Content-Security-Policy (worker-src 'self') blocks. Runs in the worker.
import { Zip, ZipDeflate } from './vendor/fflate.js';

/** Compressed bytes held before they are folded into a Blob, which the browser may keep on disk. */
const FOLD_BYTES = 4 << 20;
/** A fixed timestamp, so the same batches give the same archive. */
const MTIME = new Date('2000-01-01T00:00:00Z');

export class BatchZip {
  /** @param {{level?: number}} [options] deflate level 0-9 (default 6) */
  constructor({ level = 6 } = {}) {
    this.level = level;
    this.files = 0;
    /** @type {(Uint8Array | Blob)[]} */
    this.parts = [];
    this.pending = 0;
    this.error = null;
    this.done = false;
    this.zip = new Zip((err, chunk, final) => {
      if (err) {
        this.error = err;
        return;
      }
      this.parts.push(chunk);
      this.pending += chunk.length;
      if (this.pending >= FOLD_BYTES) this.fold();
      if (final) this.done = true;
    });
  }

  fold() {
    this.parts = [new Blob(this.parts)];
    this.pending = 0;
  }

  /**
   * Adds one whole file.
   * @param {string} name
   * @param {Uint8Array} bytes
   */
  add(name, bytes) {
    const entry = new ZipDeflate(name, { level: this.level });
    entry.mtime = MTIME;
    this.zip.add(entry);
    entry.push(bytes, true);
    this.files += 1;
    if (this.error) throw this.error;
  }

  /** Ends the archive; its bytes as one Blob. */
  finish() {
    this.zip.end();
    if (this.error) throw this.error;
    if (!this.done) throw new Error('the zip archive did not end');
    const blob = new Blob(this.parts, { type: 'application/zip' });
    this.parts = [];
    return blob;
  }
}
