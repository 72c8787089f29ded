//! The JavaScript binding: the only file that says `#[wasm_bindgen]`. Each export converts its
//! arguments, makes one call into the core and converts the result back; no policy lives here.
//! Bulk data crosses as `Uint8Array` in and JSON text out (STYLE.md, measured costs).

use crate::options::Options;
use crate::pipeline;
use crate::supertokens::{validate_request_text, CoreContext};
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

/** What is known about the target core; an absent field is unknown, and its checks are skipped. */
export interface CoreContext {
  /** Enabled features (GET /ee/featureflag), e.g. ["account_linking", "mfa"]. */
  features?: string[];
  /** Existing roles (GET /recipe/roles). */
  roles?: string[];
  /** Existing tenant ids ("public" always exists). */
  tenants?: string[];
  /** Tenant id -> user pool (database) id. */
  tenantPools?: Record<string, string>;
  /** Whether firebase_password_hashing_signer_key is configured. */
  firebaseSignerKeySet?: boolean;
  /** The core's clock, ms since the epoch (default: Date.now()). */
  nowMs?: number;
}

/** The core's verdict on one user: its error messages, in its order. */
export interface UserVerdict {
  errors: string[];
  /** The core would answer HTTP 500 for the whole request because of this user. */
  coreWouldCrash: boolean;
  /** Why, when coreWouldCrash: "role-missing", "firebase-signer-key-missing" or "not-an-object". */
  crash?: { kind: string; element?: string };
}

/** What the core would answer to POST /bulk-import/users with this body. */
export interface RequestVerdict {
  status: 200 | 400 | 500;
  /** The exact body text; null for a 200 that stages users (its body holds random UUIDs). */
  body: string | null;
  users: UserVerdict[];
  crashedAt: number | null;
  /** Checks skipped because the context did not say enough. */
  skippedChecks: string[];
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

/// Reads a small options-like object through JSON text rather than serde-wasm-bindgen, which
/// reads only the fields it knows and so cannot report a misspelt key.
fn from_js_json<T: serde::de::DeserializeOwned + Default>(value: JsValue, what: &str) -> Result<T, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    let text: String = js_sys::JSON::stringify(&value)
        .map_err(|_| JsError::new(&format!("invalid {what}: not representable as JSON")))?
        .into();
    serde_json::from_str(&text).map_err(|e| {
        let message = e.to_string();
        let message = message.split(" at line ").next().unwrap_or_default();
        JsError::new(&format!("invalid {what}: {message}"))
    })
}

fn options_from_js(options: JsValue) -> Result<Options, JsError> {
    let mut options: Options = from_js_json(options, "options")?;
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

    /// Counters so far (final after `finish`), for a progress display and the summary.
    #[wasm_bindgen(unchecked_return_type = "Progress")]
    pub fn progress(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.progress())
    }
}

/// What the SuperTokens core would answer to `POST /bulk-import/users` with `body` (JSON text),
/// with its own messages in its own order. Throws only for an invalid `context`.
#[wasm_bindgen(js_name = validateBulkImport, unchecked_return_type = "RequestVerdict")]
pub fn validate_bulk_import(
    body: &str,
    #[wasm_bindgen(unchecked_param_type = "CoreContext | undefined")] context: JsValue,
) -> Result<JsValue, JsError> {
    let mut ctx: CoreContext = from_js_json(context, "context")?;
    ctx.now_ms.get_or_insert(js_sys::Date::now() as i64);
    to_js(&validate_request_text(body, &ctx))
}

fn finished() -> JsError {
    JsError::new("this Converter has finished; create a new one for another export")
}

/// Panics with `message`. Exists only so the tests can prove that a panic reaches JavaScript
/// as a readable `Error` and that the host restarts the module (tests/js/panic.test.js).
#[wasm_bindgen(js_name = __panicForTest)]
pub fn panic_for_test(message: &str) {
    panic!("{message}")
}
