//! The JavaScript binding: the only file that says `#[wasm_bindgen]`. Each export converts its
//! arguments, makes one call into the core and converts the result back; no policy lives here.
//! Bulk data crosses as `Uint8Array` in and JSON text out (STYLE.md, measured costs).

use crate::options::Options;
use crate::pipeline;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** Conversion options; the same meanings and defaults as the CLI flags. */
export interface ConvertOptions {
  /** Users per batch file, 1 to 10000 (default 10000). */
  batchSize?: number;
  /** Core features declared enabled. */
  features?: Array<"account_linking" | "mfa" | "multi_tenancy">;
  /** Tenant for every login method (default: public). Needs multi_tenancy. */
  tenant?: string;
  /** Users whose hash the core cannot verify (default: defer). */
  unsupportedHash?: "defer" | "reset" | "reject";
  /** Which id becomes externalUserId (default: clerk-id). */
  externalId?: "clerk-id" | "external-id";
  /** Clerk provider -> SuperTokens thirdPartyId overrides, e.g. {"oauth_custom_acme": "acme"}. */
  providerMap?: Record<string, string>;
  /** Dotted path in public_metadata holding role names. */
  rolesFrom?: string;
  /** Copy private_metadata into userMetadata (default: false). */
  includePrivateMetadata?: boolean;
  /** Banned or locked users (default: skip). */
  banned?: "skip" | "import";
  /** Force an input shape instead of detecting it. */
  inputFormat?: "dashboard-csv" | "legacy-csv" | "json" | "ndjson";
  /** Treat identifiers of legacy shapes (no verification recorded) as verified (default: false). */
  legacyVerified?: boolean;
  /** Clock for the core's future-timestamp rule, ms since the epoch (default: Date.now()). */
  nowMs?: number;
}

/** A piece of output: write `text` to `name`, appending when `append` is true. */
export interface OutputFile {
  name: string;
  text: string;
  append: boolean;
  /** Holds digests or TOTP secrets: create it with mode 0600, show it behind a warning. */
  secret: boolean;
}

/** An `OutputFile` whose content is UTF-8 bytes rather than text (`pushBytes`, `finishBytes`). */
export interface OutputBytes {
  name: string;
  /** The content, UTF-8: write it as it is. */
  bytes: Uint8Array;
  append: boolean;
  /** Holds digests or TOTP secrets: create it with mode 0600, show it behind a warning. */
  secret: boolean;
}

/** Counters so far. records = converted + deferred + rejected once finished. */
export interface Progress {
  bytes: number;
  records: number;
  converted: number;
  deferred: number;
  rejected: number;
  batches: number;
}
"#;

/// Installs the panic hook once, so a Rust panic reaches the console with its message.
#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("internal error: result not representable in JavaScript: {e}")))
}

/// An output piece with its text as bytes: serde-wasm-bindgen makes `serialize_bytes` a
/// `Uint8Array` (a copy out of wasm memory), where a `String` costs a UTF-8 decode into a JS
/// string that a host writing files then encodes back (BENCHMARKS.md: about a fifth of the CLI).
#[derive(Serialize)]
struct OutputBytes<'a> {
    name: &'a str,
    bytes: Utf8Bytes<'a>,
    append: bool,
    secret: bool,
}

struct Utf8Bytes<'a>(&'a str);

impl Serialize for Utf8Bytes<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0.as_bytes())
    }
}

fn to_js_bytes(pieces: &[pipeline::OutputFile]) -> Result<JsValue, JsError> {
    let pieces: Vec<OutputBytes<'_>> = pieces
        .iter()
        .map(|p| OutputBytes { name: &p.name, bytes: Utf8Bytes(&p.text), append: p.append, secret: p.secret })
        .collect();
    // The shared configuration, except that bytes become a `Uint8Array`, not an array of numbers.
    let serializer = serde_wasm_bindgen::Serializer::json_compatible().serialize_bytes_as_arrays(false);
    pieces
        .serialize(&serializer)
        .map_err(|e| JsError::new(&format!("internal error: result not representable in JavaScript: {e}")))
}

fn options_from_js(options: JsValue) -> Result<Options, JsError> {
    let mut options: Options = if options.is_undefined() || options.is_null() {
        Options::default()
    } else {
        // Through JSON text rather than serde-wasm-bindgen, which reads only the fields it
        // knows and so cannot report a misspelt option.
        let text: String = js_sys::JSON::stringify(&options)
            .map_err(|_| JsError::new("invalid options: not representable as JSON"))?
            .into();
        serde_json::from_str(&text).map_err(|e| {
            let message = e.to_string();
            let message = message.split(" at line ").next().unwrap_or_default();
            JsError::new(&format!("invalid options: {message}"))
        })?
    };
    options.now_ms.get_or_insert(js_sys::Date::now() as i64);
    Ok(options)
}

/// Streams a Clerk export into SuperTokens bulk-import batches. Feed it chunks with `push`,
/// then call `finish` once; write each returned `OutputFile` as it comes.
#[wasm_bindgen]
pub struct Converter {
    inner: pipeline::Converter,
    finished: bool,
}

#[wasm_bindgen]
impl Converter {
    /// Creates a converter. Throws an `Error` naming the bad option when `options` is invalid.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "ConvertOptions | undefined")] options: JsValue) -> Result<Converter, JsError> {
        let options = options_from_js(options)?;
        let inner = pipeline::Converter::new(options).map_err(|e| JsError::new(&format!("invalid options: {e}")))?;
        Ok(Converter { inner, finished: false })
    }

    /// Consumes a chunk of the export (split anywhere) and returns the output it completed.
    #[wasm_bindgen(unchecked_return_type = "OutputFile[]")]
    pub fn push(&mut self, chunk: &[u8]) -> Result<JsValue, JsError> {
        if self.finished {
            return Err(finished());
        }
        to_js(&self.inner.push(chunk))
    }

    /// Ends the input; returns the last batch and the report's closing piece. Only `progress`
    /// works afterwards.
    #[wasm_bindgen(unchecked_return_type = "OutputFile[]")]
    pub fn finish(&mut self) -> Result<JsValue, JsError> {
        if std::mem::replace(&mut self.finished, true) {
            return Err(finished());
        }
        to_js(&self.inner.finish())
    }

    /// `push`, with each piece's content as UTF-8 bytes (`OutputBytes`): for hosts that write
    /// the pieces to files, which then neither decode nor re-encode them.
    #[wasm_bindgen(js_name = pushBytes, unchecked_return_type = "OutputBytes[]")]
    pub fn push_bytes(&mut self, chunk: &[u8]) -> Result<JsValue, JsError> {
        if self.finished {
            return Err(finished());
        }
        to_js_bytes(&self.inner.push(chunk))
    }

    /// `finish`, with each piece's content as UTF-8 bytes (`OutputBytes`).
    #[wasm_bindgen(js_name = finishBytes, unchecked_return_type = "OutputBytes[]")]
    pub fn finish_bytes(&mut self) -> Result<JsValue, JsError> {
        if std::mem::replace(&mut self.finished, true) {
            return Err(finished());
        }
        to_js_bytes(&self.inner.finish())
    }

    /// Counters so far (final after `finish`), for a progress display and the summary.
    #[wasm_bindgen(unchecked_return_type = "Progress")]
    pub fn progress(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.progress())
    }
}

fn finished() -> JsError {
    JsError::new("this Converter has finished; create a new one for another export")
}
