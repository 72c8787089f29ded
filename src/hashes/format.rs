//! Recognising each hasher's digest format (spec/clerk-exports.md §8.2, §8.4), without a
//! password.
//!
//! [`check_digest`] answers "could Clerk have stored this digest under this hasher?". It runs
//! the same parsers that [`verify_password`](super::verify_password) uses, so a digest that
//! passes here fails verification only because of its cost parameters or a wrong password.
//!
//! Where the sources conflict, the check accepts every reading the spec lists:
//! - `scrypt_werkzeug`: hash in hex (Werkzeug, the Clerk CLI) or base64 (Clerk's docs);
//! - `sha256_salted`: `salt$hash` (TD) or `hash$salt` (the older OpenAPI text), told apart by
//!   which segment is 64 hex digits;
//! - `bcrypt_peppered`: with or without the trailing `$<pepper>` (the pepper may come from
//!   configuration instead, see [`VerifyRequest::pepper`](super::VerifyRequest::pepper));
//! - `argon2i`/`argon2id`: any Argon2 PHC string; the Clerk CLI only checks the `$argon2`
//!   prefix, and the variant named inside the string is the one that verifies;
//! - `pbkdf2_sha512_hex`: prefix `pbkdf2_sha512_hex$` (TD) or `pbkdf2_sha512$`; as with
//!   `pbkdf2_sha256_django`, the hasher name, not the prefix, decides how to read the salt.

use std::fmt;

use super::Hasher;
use super::{
    argon2_phc, bcrypt_family, digests, firebase, limits, pbkdf2_family, phpass, werkzeug,
};

/// Why a digest does not have its hasher's format.
///
/// The message is for a person and never contains the digest or any part of it: only the
/// hasher's name, lengths, counts and a description of the expected shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestProblem {
    message: String,
}

impl DigestProblem {
    /// A problem with a `hasher` digest; `detail` continues the sentence "<hasher> digest …".
    pub(crate) fn new(hasher: &Hasher, detail: impl fmt::Display) -> DigestProblem {
        DigestProblem { message: format!("{} digest {}", hasher.name_for_messages(), detail) }
    }

    /// The readable explanation, e.g. "bcrypt digest must be 60 characters of the form
    /// $2a$NN$…; got 59 characters".
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for DigestProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DigestProblem {}

/// Checks that `digest` has the format `hasher` produces (spec/clerk-exports.md §8.2), including
/// the Clerk CLI's shape checks (§8.4). Unknown ([`Hasher::Other`]) hashers are not checked.
///
/// An empty digest means "no password" (§2.8); callers should test for that before calling,
/// because here it is reported as a problem for every known hasher.
pub fn check_digest(hasher: &Hasher, digest: &str) -> Result<(), DigestProblem> {
    if matches!(hasher, Hasher::Other(_)) {
        return Ok(());
    }
    if digest.is_empty() {
        return Err(DigestProblem::new(
            hasher,
            "is empty (a user without a password has no digest)",
        ));
    }
    if digest.len() > limits::MAX_DIGEST_BYTES {
        return Err(DigestProblem::new(
            hasher,
            format_args!("is longer than {} bytes; got {}", limits::MAX_DIGEST_BYTES, digest.len()),
        ));
    }
    match hasher {
        Hasher::Bcrypt => bcrypt_family::parse_bcrypt(hasher, digest).map(drop),
        Hasher::BcryptSha256Django => bcrypt_family::parse_django(hasher, digest).map(drop),
        Hasher::BcryptPeppered => bcrypt_family::parse_peppered(hasher, digest).map(drop),
        Hasher::Argon2i | Hasher::Argon2id => argon2_phc::parse(hasher, digest).map(drop),
        Hasher::Pbkdf2Sha1
        | Hasher::Pbkdf2Sha256
        | Hasher::Pbkdf2Sha256Django
        | Hasher::Pbkdf2Sha512
        | Hasher::Pbkdf2Sha512Hex => pbkdf2_family::parse(hasher, digest).map(drop),
        Hasher::Md5 | Hasher::Sha256 => digests::parse_unsalted(hasher, digest).map(drop),
        Hasher::Md5Salted | Hasher::Sha256Salted => digests::parse_salted(hasher, digest).map(drop),
        Hasher::Sha512Symfony => digests::parse_symfony(hasher, digest).map(drop),
        Hasher::LdapSsha => digests::parse_ssha(hasher, digest).map(drop),
        Hasher::HmacSha256Utf16B64 => digests::parse_hmac_utf16(hasher, digest).map(drop),
        Hasher::Phpass | Hasher::Md5Phpass => phpass::parse(hasher, digest).map(drop),
        Hasher::ScryptWerkzeug => werkzeug::parse(hasher, digest).map(drop),
        Hasher::ScryptFirebase => firebase::parse_clerk_firebase(digest)
            .map(drop)
            .map_err(|detail| DigestProblem::new(hasher, detail)),
        Hasher::AwsCognito => check_cognito(hasher, digest),
        Hasher::Other(_) => Ok(()),
    }
}

/// `awscognito#<userpoolid>#<clientid>#<identifier>`: a migration pointer, not a hash (§8.2).
fn check_cognito(hasher: &Hasher, digest: &str) -> Result<(), DigestProblem> {
    let parts: Vec<&str> = digest.splitn(4, '#').collect();
    if parts.len() == 4 && parts[0] == "awscognito" && parts[1..].iter().all(|p| !p.is_empty()) {
        Ok(())
    } else {
        Err(DigestProblem::new(
            hasher,
            "must have the form awscognito#<user pool id>#<client id>#<identifier>",
        ))
    }
}

/// Splits `digest` on `$` after a required literal `prefix`, for the `name$a$b$c` formats.
pub(crate) fn fields<'a>(
    hasher: &Hasher,
    digest: &'a str,
    prefix: &str,
    shape: &str,
) -> Result<Vec<&'a str>, DigestProblem> {
    match digest.strip_prefix(prefix) {
        Some(rest) => Ok(rest.split('$').collect()),
        None => Err(DigestProblem::new(hasher, format_args!("must have the form {shape}"))),
    }
}

/// Reads a positive decimal iteration count or cost field.
pub(crate) fn positive(hasher: &Hasher, text: &str, what: &str) -> Result<u64, DigestProblem> {
    match super::encoding::decimal(text) {
        Some(n) if n > 0 => Ok(n),
        _ => Err(DigestProblem::new(hasher, format_args!("{what} must be a positive integer"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_shape_examples() {
        let ok = [
            (Hasher::Bcrypt, "$2b$10$U4C0ZY8OG8y41F9LusfKyu3HRMBL0rCZcKBVsXhgr.n8Ou6FPhzO2"),
            (Hasher::ScryptFirebase, "SGFzaA==$U2FsdA==$SIGNERKEY==$Bw==$8$14"),
            (Hasher::Md5, "5f4dcc3b5aa765d61d8327deb882cf99"),
            (Hasher::Sha256, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
            (Hasher::Argon2id, "$argon2id$v=19$m=64,t=4,p=8$Z2liZXJyaXNo$iGXEpMBTDYQ8G/71tF0qGjxRHEmR3gpGULcE93zUJVU"),
            (Hasher::AwsCognito, "awscognito#eu-west-1_abc#client#user@example.com"),
            (Hasher::Other("whirlpool".into()), "anything"),
        ];
        for (h, d) in ok {
            assert_eq!(check_digest(&h, d), Ok(()), "{h}");
        }
    }

    #[test]
    fn problems_describe_without_quoting() {
        let digest = "$2b$10$U4C0ZY8OG8y41F9LusfKyu3HRMBL0rCZcKBVsXhgr.n8Ou6FPhzO";
        let p = check_digest(&Hasher::Bcrypt, digest).unwrap_err();
        assert!(p.message().starts_with("bcrypt digest must be 60 characters"), "{p}");
        assert!(p.message().contains("got 59"), "{p}");
        assert!(!p.message().contains("U4C0"));
        assert!(check_digest(&Hasher::Md5, "").is_err());
        assert!(check_digest(&Hasher::AwsCognito, "awscognito#a#b").is_err());
        assert!(check_digest(&Hasher::ScryptFirebase, "a$b$c$d$8").is_err());
    }
}
