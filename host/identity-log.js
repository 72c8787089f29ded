// The converter's identity log kept on disk (src/sightings.rs): 24 bytes per email, phone,
// provider account and Clerk id, which the converter would otherwise hold in wasm memory.
// Appended to as the conversion runs, replayed whole when the converter asks, then removed.
import { openSync, writeSync, readSync, closeSync, rmSync } from 'node:fs';

const REPLAY_BYTES = 1 << 20;

export class IdentityLogFile {
  /** @param {string} path created afresh (mode 0600: it holds hashes of emails and phones) */
  constructor(path) {
    this.path = path;
    this.fd = openSync(path, 'w+', 0o600);
    this.size = 0;
  }

  /** @param {Uint8Array} bytes */
  append(bytes) {
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done, this.size + done);
    this.size += bytes.length;
  }

  /** Feeds the whole log, from its first byte, to `consume` in chunks. */
  replay(consume) {
    const buffer = Buffer.allocUnsafe(REPLAY_BYTES);
    for (let at = 0; at < this.size;) {
      const n = readSync(this.fd, buffer, 0, Math.min(REPLAY_BYTES, this.size - at), at);
      if (n === 0) throw new Error(`the identity log ${this.path} ended early, at ${at} of ${this.size} bytes`);
      consume(buffer.subarray(0, n));
      at += n;
    }
  }

  /** Closes and deletes the file; safe to call twice. */
  remove() {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    rmSync(this.path, { force: true });
  }
}

/**
 * Runs the end of a conversion whose log is kept in `log`: finish, then replay the log while
 * the converter asks, writing every piece of output to `dir`.
 * @param {any} converter a Converter made with keepIdentityLogOutside()
 * @param {{write(pieces: any[]): void}} dir
 * @param {IdentityLogFile} log
 */
export function finishWithLog(converter, dir, log) {
  dir.write(converter.finishBytes());
  log.append(converter.takeIdentityLog());
  while (converter.replayNeeded()) {
    log.replay((chunk) => converter.replayIdentityLog(chunk));
    dir.write(converter.endReplayBytes());
    log.append(converter.takeIdentityLog());
  }
}
