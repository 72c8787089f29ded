// Where a conversion's output files are kept until the page offers them for download.
//
// On disk when the browser allows it: the Origin Private File System (OPFS), one directory per
// conversion, every file written piece by piece as the converter produces it through a
// synchronous access handle (a dedicated-worker API), so no output file is ever held whole in
// memory. The page downloads the `File` that `getFile()` returns, backed by the OPFS file.
// Where OPFS or sync access handles are missing or refuse to open, the files are kept in memory
// as Blobs instead (`MemoryStore`), and the page says so. (In an incognito window Chromium keeps OPFS itself in
// the browser process's memory, so there the files are off the page's heap but not on disk.)
//
// A conversion's directory is `conversion-<uuid>` at the OPFS root. The page that owns it holds
// a Web Lock named after it for as long as it may offer those files. A directory whose lock
// nobody holds is stale (the page's previous conversion, a cancelled or crashed worker's partial
// files, a closed tab) and is removed on page load and when a conversion starts. Other tabs'
// results stay: their locks are held. The page can also delete its own conversion's directory
// at once, when the person asks it to (`deleteRun`).

export const RUN_PREFIX = 'conversion-';
const lockName = (run) => `clerk-to-supertokens:${run}`;

/** Bytes held per in-memory file before they are folded into a Blob, which the browser may keep on disk. */
const FOLD_BYTES = 8 << 20;

const typeOf = (name) => (name.endsWith('.ndjson') ? 'application/x-ndjson'
  : name.endsWith('.json') ? 'application/json'
    : name.endsWith('.zip') ? 'application/zip'
      : name.endsWith('.csv') ? 'text/csv' : 'text/plain');

/** The OPFS root directory, or null where there is none (or it is refused, as in some private modes). */
export async function opfsRoot() {
  try {
    return (await navigator.storage?.getDirectory?.()) ?? null;
  } catch {
    return null;
  }
}

/**
 * Names a new conversion directory and takes its lock (the directory itself is created by the
 * worker). Without Web Locks, the returned release does nothing.
 * @param {string} [name] a directory to claim again (see `deleteRun`); a new one when omitted
 * @returns {Promise<{name: string, release: () => void}>}
 */
export async function claimRun(name = `${RUN_PREFIX}${crypto.randomUUID()}`) {
  if (!navigator.locks) return { name, release: () => {} };
  const release = await new Promise((granted, failed) => {
    let done;
    const held = new Promise((resolve) => { done = resolve; });
    navigator.locks.request(lockName(name), () => {
      granted(done);
      return held;
    }).catch(failed);
  });
  return { name, release };
}

/**
 * Removes every conversion directory whose lock nobody holds; returns the names removed. One
 * that cannot be removed yet (a terminated worker's access handle not yet released) is left for
 * the next time. Without Web Locks every conversion directory counts as stale.
 * @param {FileSystemDirectoryHandle} root
 */
export async function removeStaleRuns(root) {
  const held = new Set(((await navigator.locks?.query())?.held ?? []).map((lock) => lock.name));
  const stale = [];
  for await (const name of root.keys()) {
    if (name.startsWith(RUN_PREFIX) && !held.has(lockName(name))) stale.push(name);
  }
  const removed = [];
  for (const name of stale) {
    try {
      await root.removeEntry(name, { recursive: true });
      removed.push(name);
    } catch {
      // still open somewhere; next time
    }
  }
  return removed;
}

/**
 * Deletes a conversion's directory now, at the page's request. Its lock is released first, so
 * that whatever happens next the directory counts as stale. When the browser refuses (a file of
 * it still in use: Chromium refuses while any of its files is open for writing, and removes
 * nothing), the lock is taken again, since the page still offers the files, and the refusal is
 * returned with the new claim. A directory that is already gone, or was never created (the
 * files were kept in memory), counts as deleted.
 * @param {FileSystemDirectoryHandle} root
 * @param {{name: string, release: () => void}} claimed from `claimRun`
 * @returns {Promise<{error: null, run: null} | {error: Error, run: {name: string, release: () => void}}>}
 */
export async function deleteRun(root, claimed) {
  claimed.release();
  try {
    await root.removeEntry(claimed.name, { recursive: true });
  } catch (error) {
    if (error?.name !== 'NotFoundError') return { error, run: await claimRun(claimed.name) };
  }
  return { error: null, run: null };
}

/** Output files in one OPFS directory; worker only. */
export class OpfsStore {
  /**
   * Opens (creating) the conversion's directory, or resolves to null when OPFS or sync access
   * handles are unavailable here.
   * @param {string} run a name from `claimRun`
   */
  static async open(run) {
    if (!run?.startsWith(RUN_PREFIX) || typeof FileSystemFileHandle === 'undefined' || !FileSystemFileHandle.prototype.createSyncAccessHandle) return null;
    const root = await opfsRoot();
    if (!root) return null;
    try {
      const dir = await root.getDirectoryHandle(run, { create: true });
      const store = new OpfsStore(dir);
      // Handles can exist and still refuse to open (storage disabled, quota): find out now,
      // not halfway through the export.
      (await store.create('.probe')).close();
      await dir.removeEntry('.probe');
      return store;
    } catch {
      return null;
    }
  }

  constructor(dir) {
    this.kind = 'opfs';
    this.dir = dir;
    /** @type {Set<OpfsFile>} */
    this.open = new Set();
  }

  /** A new, empty file. */
  async create(name) {
    const handle = await this.dir.getFileHandle(name, { create: true });
    const file = new OpfsFile(handle, await handle.createSyncAccessHandle(), this.open);
    file.truncate();
    this.open.add(file);
    return file;
  }

  /** Releases every access handle still open (after a failed conversion), so the directory can be removed. */
  closeAll() {
    for (const file of [...this.open]) file.close();
  }

  /** Deletes a closed file of this directory. */
  async remove(name) {
    await this.dir.removeEntry(name);
  }
}

class OpfsFile {
  constructor(handle, access, open) {
    this.handle = handle;
    this.access = access;
    this.open = open;
    this.size = 0;
  }

  /** @param {Uint8Array} bytes appended */
  write(bytes) {
    let written;
    try {
      written = this.access.write(bytes, { at: this.size });
    } catch (err) {
      if (err?.name !== 'QuotaExceededError') throw err;
      throw new Error(`the browser's storage for this page is full (writing ${this.handle.name}): free some disk space and convert again`, { cause: err });
    }
    if (written !== bytes.length) throw new Error(`could not write ${this.handle.name}: ${written} of ${bytes.length} bytes written`);
    this.size += written;
  }

  truncate() {
    this.access.truncate(0);
    this.size = 0;
  }

  /**
   * Feeds the whole file, from its first byte, to `consume` in pieces of `buffer`'s size; each
   * piece is a view of `buffer`, valid until the next one.
   * @param {Uint8Array} buffer
   * @param {(piece: Uint8Array) => void} consume
   */
  replay(buffer, consume) {
    for (let at = 0; at < this.size;) {
      const n = this.access.read(buffer.subarray(0, Math.min(buffer.length, this.size - at)), { at });
      if (n === 0) throw new Error(`could not read ${this.handle.name} back: it ended at ${at} of ${this.size} bytes`);
      consume(buffer.subarray(0, n));
      at += n;
    }
  }

  /** No flush first: writes are visible to `getFile()` at once, and these files need not survive a crash. */
  close() {
    if (!this.access) return;
    this.access.close();
    this.access = null;
    this.open.delete(this);
  }

  /** The written file, backed by the OPFS file (not a copy in memory). */
  async file() {
    this.close();
    return this.handle.getFile();
  }
}

/** Output files kept in memory, for browsers without OPFS sync access handles. */
export class MemoryStore {
  constructor() {
    this.kind = 'memory';
  }

  async create(name) {
    return new MemoryFile(name);
  }

  closeAll() {}
}

/** A file as Blob parts: bytes as they arrive, folded into one Blob every `FOLD_BYTES`. */
export class MemoryFile {
  constructor(name) {
    this.name = name;
    /** @type {(Uint8Array | Blob)[]} */
    this.parts = [];
    this.pending = 0;
    this.size = 0;
  }

  /** @param {Uint8Array} bytes appended */
  write(bytes) {
    this.parts.push(bytes);
    this.pending += bytes.length;
    this.size += bytes.length;
    if (this.pending >= FOLD_BYTES) {
      this.parts = [new Blob(this.parts)];
      this.pending = 0;
    }
  }

  truncate() {
    this.parts = [];
    this.pending = 0;
    this.size = 0;
  }

  close() {}

  blob() {
    return new Blob(this.parts, { type: typeOf(this.name) });
  }

  async file() {
    return this.blob();
  }
}
