//! The core's bulk-import validation, rule for rule (spec §3, §4).
//!
//! [`RequestValidator`] checks users the way `BulkImportUserUtils` does: same messages, same
//! order, same type semantics, on any JSON (`serde_json::Value`), so a client can reject up
//! front exactly what the core would reject. One validator serves one request, because the
//! core checks `externalUserId` uniqueness per request (§4.5 step 9). Whole requests go
//! through [`validate_request`] and the single-user endpoint through [`validate_import_user`].
//!
//! Inputs that would make the core crash (HTTP 500 for the whole request) are reported as
//! invalid with [`UserVerdict::core_would_crash`] set and the cause in [`CoreCrash`].

mod fields;
mod gson;
mod login_method;
pub(crate) mod password_hash;
mod request;
mod typed;
mod user;

use serde::Serialize;
use serde_json::Value;
use std::borrow::Borrow;
use std::collections::HashSet;

use super::context::{CoreContext, SkippedCheck, SkippedChecks};
use super::model::BulkImportUser;

pub use login_method::LOGIN_METHOD_ID_PLACEHOLDER;
pub use request::{validate_import_user, validate_request, validate_request_text, ImportVerdict, RequestVerdict};

/// Why the core would answer HTTP 500 instead of validating (spec §1.2, §4.1, §4.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum CoreCrash {
    /// A user role without a valid `role`: the core dereferences it (§4.1 step 3).
    RoleMissing,
    /// A `firebase_scrypt` hash while the core has no signer key (§4.4).
    FirebaseSignerKeyMissing,
    /// A `users` element that is not an object (§1.2 step 5). Holds Gson's text of it.
    NotAnObject {
        /// `JsonElement.toString()` of the element.
        element: String,
    },
}

impl CoreCrash {
    /// The 500 body text (`e.toString()`). Inferred for the first and last cases: the core's
    /// NullPointerException may carry a JVM "helpful message" after a colon, not reproduced.
    pub fn core_text(&self) -> String {
        match self {
            CoreCrash::RoleMissing => "java.lang.NullPointerException".to_owned(),
            CoreCrash::FirebaseSignerKeyMissing => {
                "java.lang.IllegalStateException: 'firebase_password_hashing_signer_key' cannot be null"
                    .to_owned()
            }
            CoreCrash::NotAnObject { element } => {
                format!("java.lang.IllegalStateException: Not a JSON Object: {element}")
            }
        }
    }
}

/// The core's verdict on one user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserVerdict {
    /// The core's messages, in the core's order. On a crash: those appended before it.
    pub errors: Vec<String>,
    /// The core would fail the whole request with HTTP 500 on this user.
    pub core_would_crash: bool,
    /// Why, when [`Self::core_would_crash`] is set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crash: Option<CoreCrash>,
}

impl UserVerdict {
    /// Whether the core would accept the user (no error and no crash).
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty() && !self.core_would_crash
    }
}

/// Validates the users of one request, in order, like one `BulkImportUserUtils` instance.
///
/// It holds the raw `externalUserId`s seen so far, so create one per request (batch).
#[derive(Debug)]
pub struct RequestValidator<C: Borrow<CoreContext>> {
    ctx: C,
    external_ids: HashSet<Box<str>>,
    skipped: SkippedChecks,
}

/// The working state while one user is checked.
pub(crate) struct UserCheck<'c> {
    pub ctx: &'c CoreContext,
    pub errors: Vec<String>,
    pub skipped: SkippedChecks,
}

impl<C: Borrow<CoreContext>> RequestValidator<C> {
    /// A validator for one request against the target core described by `ctx`: borrowed
    /// (`&CoreContext`) for one-off checks, or shared (`Rc<CoreContext>`) by a converter that
    /// starts a new request with every batch.
    pub fn new(ctx: C) -> Self {
        RequestValidator {
            ctx,
            external_ids: HashSet::new(),
            skipped: SkippedChecks::default(),
        }
    }

    /// Validates the next user of the request (spec §4): the core's errors in its order.
    ///
    /// Never panics, whatever the JSON. A non-object `user` is a crash (§1.2 step 5).
    pub fn validate_user(&mut self, user: &Value) -> UserVerdict {
        let Some(object) = user.as_object() else {
            let crash = CoreCrash::NotAnObject {
                element: gson::element_to_string(user),
            };
            return UserVerdict {
                errors: Vec::new(),
                core_would_crash: true,
                crash: Some(crash),
            };
        };
        let mut check = UserCheck {
            ctx: self.ctx.borrow(),
            errors: Vec::new(),
            skipped: SkippedChecks::default(),
        };
        let crash = check.user(object, &mut self.external_ids).err();
        self.skipped.extend(check.skipped);
        UserVerdict {
            errors: check.errors,
            core_would_crash: crash.is_some(),
            crash,
        }
    }

    /// The fast path for a typed user this crate wrote: true when the user is plainly valid
    /// (and its `externalUserId` new in this request, which is then recorded, as the core
    /// would). False means only "not plainly": call [`Self::validate_user`] on its JSON for the
    /// core's verdict and messages.
    pub fn accepts_plainly(&mut self, user: &BulkImportUser<'_>) -> bool {
        let new_id = user.external_user_id.as_deref().is_none_or(|id| !self.external_ids.contains(id));
        if !new_id || !typed::plainly_valid(user, self.ctx.borrow()) {
            return false;
        }
        if let Some(id) = &user.external_user_id {
            self.external_ids.insert(id.as_ref().into());
        }
        true
    }

    /// The checks skipped so far because the context did not say enough (§5).
    pub fn skipped_checks(&self) -> Vec<SkippedCheck> {
        self.skipped.to_vec()
    }
}
