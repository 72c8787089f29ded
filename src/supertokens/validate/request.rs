//! Whole request bodies: `POST /bulk-import/users` (spec §1.2) and `POST /bulk-import/import`
//! (§1.6), with the status and body text the core would answer.
//!
//! Bodies are written by hand rather than through `serde_json::Value`, whose default map sorts
//! keys: the core writes `error` before `users` and `index` before `errors`, and escapes as
//! Gson does (U+2028 and U+2029 too).

use serde::Serialize;
use serde_json::Value;

use super::{gson, RequestValidator, UserVerdict};
use crate::options::MAX_BATCH_SIZE;
use crate::supertokens::context::{CoreContext, SkippedCheck};

/// The 400 text when the body is not a JSON object (`InputParser`).
const INVALID_JSON: &str = "Invalid Json Input";
/// The 400 text when `users` is missing, `null` or not an array.
const INVALID_USERS: &str = "Field name 'users' is invalid in JSON input";
/// The 400 body for more than 10000 users.
const TOO_MANY_USERS: &str = r#"{"error":"You can only add 10000 users at a time."}"#;
/// The `error` of the 400 body listing invalid users.
const INVALID_USERS_ERROR: &str =
    "Data has missing or invalid fields. Please check the users field for more details.";

/// What the core would answer to a `POST /bulk-import/users` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestVerdict {
    /// 200, 400 or 500.
    pub status: u16,
    /// The exact body text (the core adds a trailing newline to non-2xx bodies; not included).
    /// `None` for a 200 that stages users: its body lists fresh random UUIDs (§1.2).
    pub body: Option<String>,
    /// One verdict per validated user, in request order. Empty when the request failed before
    /// users were looked at; after a crash, it ends with the user that crashed.
    pub users: Vec<UserVerdict>,
    /// The index of the user on which the core would crash (HTTP 500), if any.
    pub crashed_at: Option<usize>,
    /// Checks skipped because the context was unknown (§5).
    pub skipped_checks: Vec<SkippedCheck>,
}

impl RequestVerdict {
    /// The body parsed as JSON, for bodies that are JSON text (a client must try this on any
    /// status, §1.1). `None` for plain-text bodies and for an unpredictable 200.
    pub fn body_json(&self) -> Option<Value> {
        self.body
            .as_deref()
            .and_then(|b| serde_json::from_str(b).ok())
    }

    /// Whether the core would stage the users.
    pub fn is_accepted(&self) -> bool {
        self.status == 200
    }

    fn plain(status: u16, body: &str) -> Self {
        RequestVerdict {
            status,
            body: Some(body.to_owned()),
            users: Vec::new(),
            crashed_at: None,
            skipped_checks: Vec::new(),
        }
    }
}

/// [`validate_request`] on body text as it would arrive over HTTP: text that is not JSON gets
/// the core's `Invalid Json Input` (§1.1 body parsing).
pub fn validate_request_text(text: &str, ctx: &CoreContext) -> RequestVerdict {
    match serde_json::from_str::<Value>(text) {
        Ok(body) => validate_request(&body, ctx),
        Err(_) => RequestVerdict::plain(400, INVALID_JSON),
    }
}

/// What the core would answer to `POST /bulk-import/users` with `body` (spec §1.2), against
/// the core described by `ctx`.
pub fn validate_request(body: &Value, ctx: &CoreContext) -> RequestVerdict {
    let Some(object) = body.as_object() else {
        return RequestVerdict::plain(400, INVALID_JSON);
    };
    let Some(users) = object.get("users").and_then(Value::as_array) else {
        return RequestVerdict::plain(400, INVALID_USERS);
    };
    if users.is_empty() {
        return RequestVerdict::plain(200, r#"{"status":"OK"}"#);
    }
    if users.len() > MAX_BATCH_SIZE {
        return RequestVerdict::plain(400, TOO_MANY_USERS);
    }
    let mut validator = RequestValidator::new(ctx);
    let mut verdicts = Vec::with_capacity(users.len());
    let mut crash_text = None;
    for user in users {
        let verdict = validator.validate_user(user);
        crash_text = verdict.crash.as_ref().map(|c| c.core_text());
        verdicts.push(verdict);
        if crash_text.is_some() {
            break;
        }
    }
    let skipped_checks = validator.skipped_checks();
    if let Some(text) = crash_text {
        return RequestVerdict {
            status: 500,
            body: Some(text),
            crashed_at: verdicts.len().checked_sub(1),
            users: verdicts,
            skipped_checks,
        };
    }
    let (status, body) = if verdicts.iter().all(UserVerdict::is_valid) {
        (200, None)
    } else {
        (400, Some(invalid_users_body(&verdicts)))
    };
    RequestVerdict {
        status,
        body,
        users: verdicts,
        crashed_at: None,
        skipped_checks,
    }
}

/// `{"error":"...","users":[{"index":i,"errors":[...]},...]}`, invalid users only.
fn invalid_users_body(verdicts: &[UserVerdict]) -> String {
    let mut out = String::with_capacity(256);
    out.push_str("{\"error\":");
    gson::write_string(&mut out, INVALID_USERS_ERROR, false);
    out.push_str(",\"users\":[");
    let mut first = true;
    for (index, verdict) in verdicts.iter().enumerate() {
        if verdict.errors.is_empty() {
            continue;
        }
        if !first {
            out.push(',');
        }
        first = false;
        out.push_str("{\"index\":");
        out.push_str(&index.to_string());
        out.push_str(",\"errors\":");
        gson::write_string_array(&mut out, &verdict.errors);
        out.push('}');
    }
    out.push_str("]}");
    out
}

/// What the core would answer to `POST /bulk-import/import` with `user` (spec §1.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportVerdict {
    /// 200, 400 or 500. A 200 here can still fail at processing (E0xx codes, §7.3).
    pub status: u16,
    /// The exact body text of a failure; `None` for a 200 (its body holds generated ids).
    pub body: Option<String>,
    /// The user's verdict; `None` when the body is not a JSON object.
    pub user: Option<UserVerdict>,
    /// Checks skipped because the context was unknown (§5).
    pub skipped_checks: Vec<SkippedCheck>,
}

impl ImportVerdict {
    /// The body parsed as JSON, when it is JSON text.
    pub fn body_json(&self) -> Option<Value> {
        self.body
            .as_deref()
            .and_then(|b| serde_json::from_str(b).ok())
    }
}

/// What the core would answer to `POST /bulk-import/import` with `user` as the whole body:
/// `{"errors":[...]}` on a validation failure (§1.6).
pub fn validate_import_user(user: &Value, ctx: &CoreContext) -> ImportVerdict {
    if !user.is_object() {
        return ImportVerdict {
            status: 400,
            body: Some(INVALID_JSON.to_owned()),
            user: None,
            skipped_checks: Vec::new(),
        };
    }
    let mut validator = RequestValidator::new(ctx);
    let verdict = validator.validate_user(user);
    let (status, body) = if let Some(crash) = &verdict.crash {
        (500, Some(crash.core_text()))
    } else if verdict.errors.is_empty() {
        (200, None)
    } else {
        let mut out = String::from("{\"errors\":");
        gson::write_string_array(&mut out, &verdict.errors);
        out.push('}');
        (400, Some(out))
    };
    ImportVerdict {
        status,
        body,
        user: Some(verdict),
        skipped_checks: validator.skipped_checks(),
    }
}
