// Writes the converter's OutputFile pieces into a directory: create, then append; secret
// files are created with mode 0600 so that no other user can read a digest, even briefly.
import { mkdirSync, openSync, writeSync, closeSync, fchmodSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** The converter's identity log while a conversion runs (host/identity-log.js); removed at its end. */
export const IDENTITY_LOG = '.identity-log.tmp';

/** Files a conversion may leave in its output directory; stale ones are removed first. */
const OWN_FILE = /^(batch-\d{4,}\.json|report\.json|lazy-migration\.ndjson|firebase-signer-key\.json|rejected\.csv|\.identity-log\.tmp)$/;

export class OutputDirectory {
  /** @param {string} dir */
  constructor(dir) {
    this.dir = dir;
    /** @type {Map<string, {path: string, secret: boolean}>} */
    this.files = new Map();
    mkdirSync(dir, { recursive: true });
    for (const name of readdirSync(dir)) {
      if (OWN_FILE.test(name)) rmSync(join(dir, name), { force: true });
    }
  }

  /** @param {({name: string, text: string, append: boolean, secret: boolean} | {name: string, bytes: Uint8Array, append: boolean, secret: boolean})[]} pieces */
  write(pieces) {
    for (const piece of pieces) {
      if (!/^[A-Za-z0-9._-]+$/.test(piece.name)) throw new Error(`refusing to write unexpected file name ${JSON.stringify(piece.name)}`);
      const path = join(this.dir, piece.name);
      const seen = this.files.has(piece.name);
      const mode = piece.secret ? 0o600 : 0o644;
      const fd = openSync(path, seen && piece.append ? 'a' : 'w', mode);
      try {
        if (piece.secret) fchmodSync(fd, 0o600);
        writeSync(fd, piece.bytes ?? piece.text);
      } finally {
        closeSync(fd);
      }
      this.files.set(piece.name, { path, secret: piece.secret });
    }
  }

  /** Names written, sorted, with whether each holds secrets. */
  list() {
    return [...this.files.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, f]) => ({ name, path: f.path, secret: f.secret }));
  }
}
