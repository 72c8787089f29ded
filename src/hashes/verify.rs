//! Checking a password against a Clerk digest, for every hasher Clerk accepts (spec/clerk-exports.md
//! §8.2).
//!
//! This is the lazy-migration path (spec/supertokens-bulk-import.md §10): the core can verify
//! only bcrypt, argon2 and firebase scrypt, so for the other hashers the application checks the
//! password itself at the user's next sign-in and then hands the plain password to SuperTokens.
//! It is also how the tool proves, on a test password, that its reading of a digest format is
//! right.
//!
//! `Ok(false)` means "wrong password". `Err` means "cannot tell": the digest is malformed, asks
//! for more work than [`limits`](super::limits) allows, or belongs to a hasher with nothing to
//! verify. Comparisons run in constant time. No error message contains the digest, the
//! password, the pepper or the signer key.

use serde::Deserialize;
use std::fmt;

use super::format::{check_digest, DigestProblem};
use super::Hasher;
use super::{argon2_phc, bcrypt_family, digests, firebase, pbkdf2_family, phpass, werkzeug};

/// One password to check against one digest, as the JS host sends it (camelCase fields).
/// Its `Debug` output shows only the hasher: every other field is secret.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifyRequest {
    /// The user's Clerk `password_hasher`.
    pub hasher: Hasher,
    /// The user's Clerk `password_digest`; for `scrypt_firebase` also the core's
    /// `$f_scrypt$…` form (spec/supertokens-bulk-import.md §6).
    pub digest: String,
    /// The password the user typed.
    pub password: String,
    /// `bcrypt_peppered` only: the Devise pepper, used when the digest carries none.
    #[serde(default)]
    pub pepper: Option<String>,
    /// `scrypt_firebase` in the core's `$f_scrypt$` form only: the project's base64 signer key
    /// (the core's `firebase_password_hashing_signer_key`). Clerk's six-part form carries its own.
    #[serde(default)]
    pub signer_key: Option<String>,
    /// Accepted for symmetry with the host's options and ignored: both firebase forms carry the
    /// salt separator themselves.
    #[serde(default)]
    pub salt_separator: Option<String>,
}

impl fmt::Debug for VerifyRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyRequest")
            .field("hasher", &self.hasher.name_for_messages())
            .finish_non_exhaustive()
    }
}

/// Why a password could not be checked. [`VerifyError::code`] is the stable name the JS host
/// puts on its `Error` (STYLE.md, "Errors").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyError {
    /// The digest does not have its hasher's format.
    MalformedDigest(DigestProblem),
    /// The digest asks for more work than [`limits`](super::limits) allows.
    CostTooHigh {
        /// The hasher, as shown in messages.
        hasher: String,
        /// Which cost parameter, e.g. "bcrypt cost".
        parameter: &'static str,
        /// The highest value accepted.
        limit: u64,
    },
    /// `awscognito`: the digest is a pointer to a Cognito user pool, not a hash.
    UnverifiableHasher {
        /// The hasher, as shown in messages.
        hasher: String,
    },
    /// A hasher name this tool does not know.
    UnknownHasher {
        /// The hasher, as shown in messages (see [`Hasher::name_for_messages`]).
        hasher: String,
    },
    /// The hasher needs a value the request did not give (a pepper, a signer key).
    MissingParameter {
        /// The hasher, as shown in messages.
        hasher: String,
        /// The request field, e.g. "signerKey".
        parameter: &'static str,
    },
    /// A request value is unusable, e.g. a signer key that is not base64.
    InvalidParameter {
        /// The hasher, as shown in messages.
        hasher: String,
        /// The request field.
        parameter: &'static str,
        /// What is wrong with it, without its value.
        reason: &'static str,
    },
}

impl VerifyError {
    /// The stable, kebab-case name of this kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            VerifyError::MalformedDigest(_) => "malformed-digest",
            VerifyError::CostTooHigh { .. } => "cost-too-high",
            VerifyError::UnverifiableHasher { .. } => "unverifiable-hasher",
            VerifyError::UnknownHasher { .. } => "unknown-hasher",
            VerifyError::MissingParameter { .. } => "missing-parameter",
            VerifyError::InvalidParameter { .. } => "invalid-parameter",
        }
    }
}

impl From<DigestProblem> for VerifyError {
    fn from(p: DigestProblem) -> Self {
        VerifyError::MalformedDigest(p)
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::MalformedDigest(p) => write!(f, "cannot verify: {p}"),
            VerifyError::CostTooHigh { hasher, parameter, limit } => write!(
                f,
                "cannot verify: the {hasher} digest asks for a {parameter} above {limit}, the \
                 most this tool computes (so a hostile digest cannot hang it)"
            ),
            VerifyError::UnverifiableHasher { hasher } => write!(
                f,
                "cannot verify {hasher}: the digest is a migration pointer to an AWS Cognito user \
                 pool, not a password hash; check the password with Clerk (POST \
                 /v1/users/{{user_id}}/verify_password) or with Cognito"
            ),
            VerifyError::UnknownHasher { hasher } => {
                write!(f, "cannot verify: unknown password hasher {hasher}")
            }
            VerifyError::MissingParameter { hasher, parameter } => {
                write!(f, "cannot verify {hasher}: the request needs `{parameter}`")
            }
            VerifyError::InvalidParameter { hasher, parameter, reason } => {
                write!(f, "cannot verify {hasher}: `{parameter}` {reason}")
            }
        }
    }
}

impl std::error::Error for VerifyError {}

/// Checks `req.password` against `req.digest` with `req.hasher`'s algorithm.
///
/// Returns `Ok(true)` for the right password, `Ok(false)` for a wrong one, and `Err` when the
/// answer cannot be known (see [`VerifyError`]). Never panics on any input; the work done is
/// bounded by [`limits`](super::limits).
pub fn verify_password(req: &VerifyRequest) -> Result<bool, VerifyError> {
    let h = &req.hasher;
    let (d, pw) = (req.digest.as_str(), req.password.as_str());
    match h {
        Hasher::Other(_) => {
            return Err(VerifyError::UnknownHasher { hasher: h.name_for_messages() })
        }
        Hasher::AwsCognito => {
            return Err(VerifyError::UnverifiableHasher { hasher: h.name_for_messages() })
        }
        // The core's `$f_scrypt$` form is not a Clerk digest, so it skips the Clerk format check.
        Hasher::ScryptFirebase if d.starts_with(firebase::CORE_PREFIX) => {
            return firebase::verify_core(h, d, pw, req.signer_key.as_deref())
        }
        _ => {}
    }
    // Length, emptiness and shape first: the per-hasher code below may assume them.
    check_digest(h, d)?;
    match h {
        Hasher::Bcrypt => bcrypt_family::verify_bcrypt(h, d, pw),
        Hasher::BcryptSha256Django => bcrypt_family::verify_django(h, d, pw),
        Hasher::BcryptPeppered => bcrypt_family::verify_peppered(h, d, pw, req.pepper.as_deref()),
        Hasher::Argon2i | Hasher::Argon2id => argon2_phc::verify(h, d, pw),
        Hasher::Pbkdf2Sha1
        | Hasher::Pbkdf2Sha256
        | Hasher::Pbkdf2Sha256Django
        | Hasher::Pbkdf2Sha512
        | Hasher::Pbkdf2Sha512Hex => pbkdf2_family::verify(h, d, pw),
        Hasher::Md5 | Hasher::Sha256 => digests::verify_unsalted(h, d, pw),
        Hasher::Md5Salted | Hasher::Sha256Salted => digests::verify_salted(h, d, pw),
        Hasher::Sha512Symfony => digests::verify_symfony(h, d, pw),
        Hasher::LdapSsha => digests::verify_ssha(h, d, pw),
        Hasher::HmacSha256Utf16B64 => digests::verify_hmac_utf16(h, d, pw),
        Hasher::Phpass | Hasher::Md5Phpass => phpass::verify(h, d, pw),
        Hasher::ScryptWerkzeug => werkzeug::verify(h, d, pw),
        Hasher::ScryptFirebase => firebase::verify_clerk(h, d, pw),
        Hasher::AwsCognito | Hasher::Other(_) => {
            Err(VerifyError::UnknownHasher { hasher: h.name_for_messages() })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_reads_camel_case_and_debug_hides_secrets() {
        let json = r#"{"hasher":"md5","digest":"5f4dcc3b5aa765d61d8327deb882cf99",
                       "password":"password","signerKey":"S2V5","saltSeparator":"Bw=="}"#;
        let r: VerifyRequest = serde_json::from_str(json).unwrap();
        assert_eq!((r.pepper.as_deref(), r.signer_key.as_deref()), (None, Some("S2V5")));
        assert_eq!(verify_password(&r), Ok(true));
        let shown = format!("{r:?}");
        assert!(shown.contains("md5") && !shown.contains("password\"") && !shown.contains("5f4d"));
        assert!(!shown.contains("S2V5"));
    }
}
