//! The JavaScript binding: the only file that says `#[wasm_bindgen]`. Each export converts its
//! arguments, makes one call into the core and converts the result back; no policy lives here.
//! Bulk data crosses as `Uint8Array` in and JSON text out (STYLE.md, measured costs).

use crate::options::Options;
use crate::pipeline;
use crate::hashes::{verify_password as verify, VerifyRequest};
use crate::lazy;
use crate::supertokens::{validate_request_text, CoreContext, Requirements};
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
  /** Clerk user ids to leave out (already migrated, e.g. by the lazy phase). */
  skipIds?: string[];
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

/** What bulk-import users need from the core, with how many users need each thing. */
export interface Requirements {
  users: number;
  totpUsers: number;
  linkingUsers: number;
  tenantUsers: number;
  /** Normalised tenant id (other than public) -> users. */
  tenants: Record<string, number>;
  /** Trimmed role -> users. */
  roles: Record<string, number>;
  firebaseUsers: number;
}

/** One thing to change on the core. */
export interface RequirementProblem {
  kind: "feature" | "tenant" | "role" | "firebase";
  /** What to change, in one sentence, with the endpoint to call. */
  message: string;
}

/** A password to check against a legacy digest. Secrets: never logged. */
export interface VerifyPasswordInput {
  /** Clerk password_hasher, e.g. "bcrypt", "pbkdf2_sha256_django", "scrypt_firebase". */
  hasher: string;
  /** The digest as Clerk exported it (or the core's $f_scrypt$ form for firebase). */
  digest: string;
  /** The password the user typed. */
  password: string;
  /** bcrypt_peppered: the pepper, when the digest does not carry it. */
  pepper?: string;
  /** firebase in the core's $f_scrypt$ form: the project's base64 signer key. */
  signerKey?: string;
  /** Accepted for symmetry; both firebase forms carry the separator themselves. */
  saltSeparator?: string;
}

/** A Clerk user in this tool's normalised form (as in lazy-migration.ndjson). Holds secrets. */
export interface ClerkUser {
  id: string;
  externalId?: string;
  firstName?: string;
  lastName?: string;
  username?: string;
  imageUrl?: string;
  emails?: { value: string; verified: boolean; primary?: boolean }[];
  phones?: { value: string; verified: boolean; primary?: boolean }[];
  password?: { hasher: string; digest: string };
  totpSecret?: string;
  externalAccounts?: { provider: string; providerUserId: string; email?: string; verified: boolean }[];
  publicMetadata?: Record<string, unknown>;
  privateMetadata?: Record<string, unknown>;
  unsafeMetadata?: Record<string, unknown>;
  createdAtMs?: number;
  banned?: boolean;
  locked?: boolean;
}

/** A diagnostic: where, what (a stable code), how bad, and a message without secrets. */
export interface Diagnostic {
  record?: number;
  line?: number;
  userId?: string;
  field?: string;
  code: string;
  severity: "error" | "warning" | "info";
  message: string;
}

/** The body for POST /bulk-import/import, and the warnings of its conversion. */
export interface LazyImport {
  /** A bulk-import user object. */
  user: Record<string, unknown>;
  warnings: Diagnostic[];
}

/** What happened to every record: records = converted + deferred + rejected. */
export interface Summary {
  records: number;
  converted: number;
  deferred: number;
  rejected: number;
  batches: number;
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

    /// Consumes a chunk of a Backend API users file (JSON, split anywhere), to be joined with
    /// the main export by user id. Give every API file before the main export, calling
    /// `endApiFile` after each. Throws once the main export has begun.
    #[wasm_bindgen(js_name = pushApi, unchecked_return_type = "OutputFile[]")]
    pub fn push_api(&mut self, chunk: &[u8]) -> Result<JsValue, JsError> {
        if self.finished {
            return Err(finished());
        }
        let output = self.inner.push_api(chunk).map_err(|e| JsError::new(&e))?;
        to_js(&output)
    }

    /// Ends the current Backend API file; the next `pushApi` starts another.
    #[wasm_bindgen(js_name = endApiFile, unchecked_return_type = "OutputFile[]")]
    pub fn end_api_file(&mut self) -> Result<JsValue, JsError> {
        if self.finished {
            return Err(finished());
        }
        let output = self.inner.end_api_file().map_err(|e| JsError::new(&e))?;
        to_js(&output)
    }

    /// Consumes a chunk of the export (split anywhere) and returns the output it completed.
    #[wasm_bindgen(unchecked_return_type = "OutputFile[]")]
    pub fn push(&mut self, chunk: &[u8]) -> Result<JsValue, JsError> {
        if self.finished {
            return Err(finished());
        }
        to_js(&self.inner.push(chunk))
    }

    /// Ends the input; returns the last batch and the report's closing piece (unless the
    /// identity log is kept outside and `replayNeeded()`). Only `progress` and the replay
    /// methods work afterwards.
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

    /// Hands the identity log (24 bytes per email, phone, provider account and id) to the
    /// host through `takeIdentityLog`, instead of keeping it in wasm memory: for large
    /// exports. After `finish`, while `replayNeeded()`, feed the whole log back with
    /// `replayIdentityLog` and call `endReplay`/`endReplayBytes`. Before the first push.
    #[wasm_bindgen(js_name = keepIdentityLogOutside)]
    pub fn keep_identity_log_outside(&mut self) -> Result<(), JsError> {
        self.inner.keep_identity_log_outside().map_err(|e| JsError::new(&e))
    }

    /// The identity-log bytes written since the last call: append them to the host's copy
    /// after every push, finish and end of replay. Empty unless `keepIdentityLogOutside`.
    #[wasm_bindgen(js_name = takeIdentityLog)]
    pub fn take_identity_log(&mut self) -> Vec<u8> {
        self.inner.take_identity_log()
    }

    /// After `finish`: the report is not complete until the host replays the identity log.
    #[wasm_bindgen(js_name = replayNeeded)]
    pub fn replay_needed(&self) -> bool {
        self.inner.replay_needed()
    }

    /// Feeds the next piece of the whole identity log, from its first byte, split anywhere.
    #[wasm_bindgen(js_name = replayIdentityLog)]
    pub fn replay_identity_log(&mut self, chunk: &[u8]) {
        self.inner.replay_identity_log(chunk);
    }

    /// Ends a replay and returns the output it completed (with the report's close unless
    /// `replayNeeded()` again). Throws when the replay was not the whole log.
    #[wasm_bindgen(js_name = endReplay, unchecked_return_type = "OutputFile[]")]
    pub fn end_replay(&mut self) -> Result<JsValue, JsError> {
        let output = self.inner.end_replay().map_err(|e| JsError::new(&e))?;
        to_js(&output)
    }

    /// `endReplay`, with each piece's content as UTF-8 bytes (`OutputBytes`).
    #[wasm_bindgen(js_name = endReplayBytes, unchecked_return_type = "OutputBytes[]")]
    pub fn end_replay_bytes(&mut self) -> Result<JsValue, JsError> {
        let output = self.inner.end_replay().map_err(|e| JsError::new(&e))?;
        to_js_bytes(&output)
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

/// What `users` (a JSON array of bulk-import users, as text) need from the core, added to
/// `into` when given (to accumulate over batches).
#[wasm_bindgen(js_name = requirementsOf, unchecked_return_type = "Requirements")]
pub fn requirements_of(
    users: &str,
    #[wasm_bindgen(unchecked_param_type = "Requirements | undefined")] into: JsValue,
) -> Result<JsValue, JsError> {
    let mut req: Requirements = from_js_json(into, "requirements")?;
    let users: serde_json::Value = serde_json::from_str(users).map_err(|e| JsError::new(&format!("users are not JSON: {e}")))?;
    for user in users.as_array().map(Vec::as_slice).unwrap_or_default() {
        req.add_user(user);
    }
    to_js(&req)
}

/// What to change on the core described by `context` before these users can be sent.
#[wasm_bindgen(js_name = requirementProblems, unchecked_return_type = "RequirementProblem[]")]
pub fn requirement_problems(
    #[wasm_bindgen(unchecked_param_type = "Requirements")] requirements: JsValue,
    #[wasm_bindgen(unchecked_param_type = "CoreContext")] context: JsValue,
) -> Result<JsValue, JsError> {
    let req: Requirements = from_js_json(requirements, "requirements")?;
    let ctx: CoreContext = from_js_json(context, "context")?;
    to_js(&req.problems(&ctx))
}

/// Checks a password against a legacy digest of any Clerk hasher whose algorithm is public, in
/// constant time. Returns `false` for a wrong password. Throws an `Error` with a `code`
/// (`malformed-digest`, `unverifiable-hasher` for `awscognito`, `unknown-hasher`,
/// `missing-parameter`, `invalid-parameter`, `cost-too-high`) when it cannot check at all.
#[wasm_bindgen(js_name = verifyPassword)]
pub fn verify_password(#[wasm_bindgen(unchecked_param_type = "VerifyPasswordInput")] input: JsValue) -> Result<bool, JsValue> {
    let request: VerifyRequest =
        serde_wasm_bindgen::from_value(input).map_err(|e| coded_error("invalid-input", &format!("invalid verifyPassword input: {e}")))?;
    verify(&request).map_err(|e| coded_error(e.code(), &e.to_string()))
}

/// Converts one Clerk user for `POST /bulk-import/import` at sign-in, with the password the
/// user just proved, using the same mapping as `convert`. `user` is a normalised user (from
/// `LegacyStore.findByEmail` or lazy-migration.ndjson), a Backend API `User` or a
/// `@clerk/backend` `User`, as an object or JSON text. Returns the `LazyImport` as JSON text
/// (cheaper across the boundary than an object built property by property). Throws an `Error`
/// with `code` `"not-importable"` and the reasons in `diagnostics` when the user cannot be
/// imported.
#[wasm_bindgen(js_name = lazyImportBody)]
pub fn lazy_import_body(
    #[wasm_bindgen(unchecked_param_type = "ClerkUser | object | string")] user: JsValue,
    password: &str,
    #[wasm_bindgen(unchecked_param_type = "ConvertOptions | undefined")] options: JsValue,
) -> Result<String, JsValue> {
    let options = options_from_js(options)?;
    let text: String = match user.as_string() {
        Some(text) => text,
        None => js_sys::JSON::stringify(&user).map(String::from).map_err(|_| coded_error("invalid-input", "user is not representable as JSON"))?,
    };
    let user = lazy::parse_user(&text, options.legacy_verified).map_err(|d| coded_error("invalid-input", &d.message))?;
    match lazy::import_body(&user, &options, password) {
        Ok(import) => {
            let warnings = serde_json::to_string(&import.warnings).map_err(|e| coded_error("internal", &e.to_string()))?;
            Ok(format!(r#"{{"user":{},"warnings":{warnings}}}"#, import.user))
        }
        Err(reasons) => {
            let message = reasons.iter().map(|d| d.message.as_str()).collect::<Vec<_>>().join("; ");
            let error = coded_error("not-importable", &format!("user {} cannot be imported: {message}", user.id));
            let _ = js_sys::Reflect::set(&error, &"diagnostics".into(), &to_js(&reasons)?);
            Err(error)
        }
    }
}

/// Legacy users in memory, for sign-in time: stream a Dashboard CSV (and optionally Backend API
/// files first) in, then look users up by email. Holds digests and TOTP secrets in memory only.
#[wasm_bindgen]
pub struct LegacyStore {
    inner: lazy::LegacyStore,
}

#[wasm_bindgen]
impl LegacyStore {
    /// An empty store; `options` as for `Converter` (input format, legacy verification).
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "ConvertOptions | undefined")] options: JsValue) -> Result<LegacyStore, JsError> {
        let inner = lazy::LegacyStore::new(options_from_js(options)?).map_err(|e| JsError::new(&format!("invalid options: {e}")))?;
        Ok(LegacyStore { inner })
    }

    /// A chunk of a Backend API file (before the main export).
    #[wasm_bindgen(js_name = pushApi)]
    pub fn push_api(&mut self, chunk: &[u8]) -> Result<(), JsError> {
        self.inner.push_api(chunk).map_err(|e| JsError::new(&e))
    }

    /// Ends the current Backend API file.
    #[wasm_bindgen(js_name = endApiFile)]
    pub fn end_api_file(&mut self) -> Result<(), JsError> {
        self.inner.end_api_file().map_err(|e| JsError::new(&e))
    }

    /// A chunk of the main export.
    pub fn push(&mut self, chunk: &[u8]) {
        self.inner.push(chunk);
    }

    /// Ends the input; returns how its records were read.
    #[wasm_bindgen(unchecked_return_type = "Summary")]
    pub fn finish(&mut self) -> Result<JsValue, JsError> {
        to_js(&self.inner.finish())
    }

    /// Users held.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.inner.len()
    }

    /// The user with this email (case-insensitive), or `undefined`.
    #[wasm_bindgen(js_name = findByEmail, unchecked_return_type = "ClerkUser | undefined")]
    pub fn find_by_email(&self, email: &str) -> Result<JsValue, JsError> {
        self.inner.find_by_email(email).map_or(Ok(JsValue::UNDEFINED), to_js)
    }
}

/// A real `Error` with a `code` property, for errors a caller handles by kind.
fn coded_error(code: &str, message: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&error, &"code".into(), &code.into());
    error.into()
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
