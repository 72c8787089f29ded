// batches.zip, built while the conversion runs: each batch file is deflated into the archive
// the moment the converter completes it, so the zip never needs the batches read back. Its
// bytes go to a sink as fflate produces them: an OPFS file in the worker (www/output-store.js),
// or, by default, Blob parts in memory; never one giant buffer.
//
// fflate's synchronous streaming classes only: its async API starts workers from blob: URLs,
// which the page's Content-Security-Policy (worker-src 'self') blocks. Runs in the worker.
import { Zip, ZipDeflate } from './vendor/fflate.js';
import { MemoryFile } from './output-store.js';

/** A fixed timestamp, so the same batches give the same archive. */
const MTIME = new Date('2000-01-01T00:00:00Z');

export class BatchZip {
  /**
   * @param {{level?: number, sink?: {write(bytes: Uint8Array): void}}} [options] deflate level
   *   0-9 (default 6); where the archive's bytes go (default: memory, returned by `finish`)
   */
  constructor({ level = 6, sink } = {}) {
    this.level = level;
    this.files = 0;
    this.memory = sink ? null : new MemoryFile('batches.zip');
    this.sink = sink ?? this.memory;
    this.error = null;
    this.done = false;
    this.zip = new Zip((err, chunk, final) => {
      if (err) {
        this.error = err;
        return;
      }
      try {
        this.sink.write(chunk);
      } catch (e) {
        this.error = e;
      }
      if (final) this.done = true;
    });
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

  /** Ends the archive; with the default sink, its bytes as one Blob. */
  finish() {
    this.zip.end();
    if (this.error) throw this.error;
    if (!this.done) throw new Error('the zip archive did not end');
    return this.memory?.blob();
  }
}
