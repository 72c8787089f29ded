// Loads the WebAssembly core synchronously from disk for every Node entry point, behind a
// guard that survives a Rust panic.
//
// A panic in wasm32-unknown-unknown aborts: the call traps (WebAssembly.RuntimeError) and the
// instance is left in an unknown state, so it must not be used again. wasm-bindgen's glue
// keeps its instance in a module-level variable and `initSync` returns early once it is set,
// so a fresh instance needs a fresh copy of the glue module: `import()` of the same file with
// a `?instance=N` query evaluates it anew. That import is asynchronous while the calls are
// synchronous, so spare copies are imported ahead of time; after a trap the next spare is
// initialised synchronously from the already compiled module, and another spare is fetched.
import { readFileSync } from 'node:fs';

const glueUrl = new URL('../pkg/clerk_to_supertokens.js', import.meta.url).href;
const compiled = new WebAssembly.Module(readFileSync(new URL('../pkg/clerk_to_supertokens_bg.wasm', import.meta.url)));
// Restarts possible back to back without yielding to the event loop; beyond that, calls throw
// "restarting" until the next copy is imported (a few milliseconds).
const SPARES = 3;

let copies = 0;
const importCopy = () => import(`${glueUrl}?instance=${++copies}`);

let active = await import(glueUrl);
active.initSync({ module: compiled });
/** Bumped on every restart; objects from an earlier instance refuse further calls. */
let generation = 0;
const spares = await Promise.all(Array.from({ length: SPARES }, importCopy));
let refilling = 0;

function restart() {
  const next = spares.shift();
  active = undefined;
  generation += 1;
  if (next) {
    next.initSync({ module: compiled });
    active = next;
  }
  refilling += 1;
  importCopy().then(
    (copy) => {
      refilling -= 1;
      if (active === undefined) {
        copy.initSync({ module: compiled });
        active = copy;
      } else spares.push(copy);
    },
    () => { refilling -= 1; },
  );
}

const internalError = (message, cause) => Object.assign(new Error(message, { cause }), { code: 'INTERNAL_ERROR' });

/** The panic message console_error_panic_hook printed, without its JS stack. */
function panicMessage(lines) {
  const text = lines.join('\n');
  const at = text.indexOf('panicked at');
  if (at < 0) return undefined;
  return text.slice(at).split(/\n\s*\nStack:/)[0].replace(/\s*\n\s*/g, ' ').trim();
}

/** Runs one call into the core; a trap becomes a readable Error and the module restarts. */
function guarded(call) {
  if (active === undefined) throw internalError('the converter module is restarting after an internal error; try again shortly');
  const printed = [];
  const consoleError = console.error;
  console.error = (...args) => { printed.push(args.map(String).join(' ')); };
  try {
    return call(active);
  } catch (err) {
    if (!(err instanceof WebAssembly.RuntimeError)) throw err;
    restart();
    const what = panicMessage(printed) ?? err.message;
    throw internalError(`internal error in the converter (a bug): ${what}; the module was restarted`, err);
  } finally {
    console.error = consoleError;
    for (const line of printed) if (!line.includes('panicked at')) consoleError(line);
  }
}

/**
 * A wasm-bindgen class (Converter, LegacyStore) whose every method and getter goes through
 * `guarded`. Objects made before a restart belong to the lost instance and refuse calls.
 */
function guardedClass(name) {
  const Wrapped = class {
    #inner;
    #generation;

    constructor(...args) {
      this.#inner = guarded((core) => new core[name](...args));
      this.#generation = generation;
    }

    /** @returns {any} */
    live() {
      if (this.#generation !== generation) {
        throw internalError(`this ${name} was lost when the converter module restarted after an internal error; create a new one`);
      }
      return this.#inner;
    }

    /** Frees the Rust side; an object of a restarted instance is left to that instance. */
    free() { if (this.#generation === generation) this.#inner.free(); }
  };
  Object.defineProperty(Wrapped, 'name', { value: name });
  const proto = active[name].prototype;
  for (const key of Object.getOwnPropertyNames(proto)) {
    if (key === 'constructor' || key === 'free' || key.startsWith('__') || typeof key !== 'string') continue;
    const d = Object.getOwnPropertyDescriptor(proto, key);
    if (typeof d.value === 'function') {
      Object.defineProperty(Wrapped.prototype, key, { value(...args) { return guarded(() => this.live()[key](...args)); } });
    } else if (d.get) {
      Object.defineProperty(Wrapped.prototype, key, { get() { return guarded(() => this.live()[key]); } });
    }
  }
  return Wrapped;
}

/** A free function of the core, guarded. */
const fn = (name) => (...args) => guarded((c) => c[name](...args));

const core = {
  Converter: guardedClass('Converter'),
  LegacyStore: guardedClass('LegacyStore'),
  validateBulkImport: fn('validateBulkImport'),
  requirementsOf: fn('requirementsOf'),
  requirementProblems: fn('requirementProblems'),
  verifyPassword: fn('verifyPassword'),
  lazyImportBody: fn('lazyImportBody'),
  /** Test-only: panics inside wasm with `message` (tests/js/panic.test.js). */
  __panicForTest: fn('__panicForTest'),
  /** Restarts so far, for tests and diagnostics. */
  get restarts() { return generation; },
  /** Spare instances kept ready. */
  spares: SPARES,
  /** Spare instances still being imported. */
  get refilling() { return refilling; },
};

export default core;
