//! Firebase scrypt in its two spellings: Clerk's six-part `scrypt_firebase` digest
//! (spec/clerk-exports.md §8.2) and the core's `$f_scrypt$` hash (spec/supertokens-bulk-import.md
//! §6), with the conversion between them and the verification both share.
//!
//! The core can verify Firebase scrypt itself, but only with one signer key per app (its
//! `firebase_password_hashing_signer_key`), so conversion hands the signer key and salt
//! separator back to the caller, which checks that every user shares them and writes the key to
//! a private file rather than into the batches.

use std::fmt;

use aes::Aes256;
use ctr::cipher::{KeyIvInit, StreamCipher};

use super::encoding::{self, ct_eq};
use super::format::DigestProblem;
use super::limits;
use super::verify::VerifyError;
use super::werkzeug::scrypt_derive;
use super::Hasher;

/// How the core's Firebase hashes begin (§6).
pub const CORE_PREFIX: &str = "$f_scrypt$";

/// Clerk's `<hash>$<salt>$<signer key>$<salt separator>$<rounds>$<memory cost>`, split.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct ClerkFirebaseDigest<'a> {
    hash: &'a str,
    salt: &'a str,
    signer_key: &'a str,
    salt_separator: &'a str,
    rounds: i32,
    mem_cost: i32,
}

/// The Clerk CLI's check (§8.4): six `$`-separated parts, the first four non-empty, the last two
/// numeric. The numbers must also fit a Java `int`, or the converted hash would fail the core's
/// parser (§6). The error is a detail for [`DigestProblem::new`].
pub(crate) fn parse_clerk_firebase(digest: &str) -> Result<ClerkFirebaseDigest<'_>, &'static str> {
    let parts: Vec<&str> = digest.split('$').collect();
    if parts.len() != 6 {
        return Err("must have 6 $-separated parts: <hash>$<salt>$<signer key>$<salt separator>$<rounds>$<memory cost>");
    }
    if parts[..4].iter().any(|p| p.is_empty()) {
        return Err("must have a non-empty hash, salt, signer key and salt separator");
    }
    let int = |t: &str| encoding::decimal(t).and_then(|v| i32::try_from(v).ok());
    match (int(parts[4]), int(parts[5])) {
        (Some(rounds), Some(mem_cost)) => Ok(ClerkFirebaseDigest {
            hash: parts[0],
            salt: parts[1],
            signer_key: parts[2],
            salt_separator: parts[3],
            rounds,
            mem_cost,
        }),
        _ => Err("must end with two decimal numbers, rounds and memory cost, below 2^31"),
    }
}

/// A `scrypt_firebase` digest rewritten for the core, and the project-wide values it needs.
#[derive(Clone, PartialEq, Eq)]
pub struct FirebaseConversion {
    /// `$f_scrypt$<hash>$<salt>$m=<memory cost>$r=<rounds>$s=<salt separator>`, to send as
    /// `passwordHash` with `hashingAlgorithm: "firebase_scrypt"`.
    pub core_hash: String,
    /// The base64 signer key: the core's `firebase_password_hashing_signer_key`. Secret; keep
    /// it out of batches and logs.
    pub signer_key: String,
    /// The base64 salt separator (also inside `core_hash`); all users of one app share it.
    pub salt_separator: String,
}

impl fmt::Debug for FirebaseConversion {
    /// Redacts the signer key, so a debug print cannot leak it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FirebaseConversion")
            .field("core_hash", &self.core_hash)
            .field("signer_key", &"<redacted>")
            .field("salt_separator", &self.salt_separator)
            .finish()
    }
}

/// Rewrites Clerk's `scrypt_firebase` digest into the core's `$f_scrypt$` form (§8.2 → §6).
/// Note the order: Clerk writes rounds before memory cost; the core's `m=` comes first.
pub fn convert_clerk_firebase(digest: &str) -> Result<FirebaseConversion, DigestProblem> {
    let d = parse_clerk_firebase(digest)
        .map_err(|detail| DigestProblem::new(&Hasher::ScryptFirebase, detail))?;
    Ok(FirebaseConversion {
        core_hash: format!(
            "{CORE_PREFIX}{}${}$m={}$r={}$s={}",
            d.hash, d.salt, d.mem_cost, d.rounds, d.salt_separator
        ),
        signer_key: d.signer_key.to_string(),
        salt_separator: d.salt_separator.to_string(),
    })
}

/// A `$f_scrypt$` hash as the core reads it (§6). The values are kept as written (base64 text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoreFirebaseHash {
    /// Part 2, the base64 password hash (may be empty: the core does not check it).
    pub hash: String,
    /// Part 3, the base64 salt (may be empty).
    pub salt: String,
    /// `m=`: scrypt's log₂ N, any Java `int`.
    pub mem_cost: i32,
    /// `r=`: scrypt's block size r, any Java `int`.
    pub rounds: i32,
    /// `s=`: the base64 salt separator, non-empty.
    pub salt_separator: String,
}

/// The core's parser for `firebase_scrypt` hashes (§6), for the "Password hash is in invalid
/// Firebase SCrypt format" check: `None` exactly when the core would say invalid.
///
/// Mirrors the Java: trim (characters ≤ U+0020), split on `$` dropping trailing empty parts,
/// exactly 7 parts with part 0 empty and part 1 `f_scrypt`; parts 4–6 in any order, recognised
/// by the prefixes `m=`, `r=`, `s=`, each value ending at the next occurrence of its own marker;
/// `m` and `r` parse as Java `int`s; a later duplicate overrides; other parts are ignored; all
/// three must be present and non-empty. One known difference: Java's `parseInt` also accepts
/// non-ASCII Unicode digits, which are refused here.
pub fn parse_core_firebase(hash: &str) -> Option<CoreFirebaseHash> {
    let trimmed = hash.trim_matches(|c: char| c <= '\u{20}');
    let mut parts: Vec<&str> = trimmed.split('$').collect();
    while parts.len() > 1 && parts.last() == Some(&"") {
        parts.pop();
    }
    if parts.len() != 7 || !parts[0].is_empty() || parts[1] != "f_scrypt" {
        return None;
    }
    let (mut m, mut r, mut s) = (None, None, None);
    for part in &parts[4..] {
        if let Some(v) = marker_value(part, "m=") {
            m = Some(java_int(v)?);
        } else if let Some(v) = marker_value(part, "r=") {
            r = Some(java_int(v)?);
        } else if let Some(v) = marker_value(part, "s=") {
            s = Some(v).filter(|v| !v.is_empty());
            s?;
        }
    }
    Some(CoreFirebaseHash {
        hash: parts[2].to_string(),
        salt: parts[3].to_string(),
        mem_cost: m?,
        rounds: r?,
        salt_separator: s?.to_string(),
    })
}

/// `part.split(marker)[1]` in Java, for a part that starts with `marker`: the text up to the
/// next marker. An empty result stands for both Java outcomes that make the hash invalid (an
/// empty element, or an index out of bounds). `None` if `part` does not start with `marker`.
fn marker_value<'a>(part: &'a str, marker: &str) -> Option<&'a str> {
    let rest = part.strip_prefix(marker)?;
    Some(rest.split(marker).next().unwrap_or(""))
}

/// Java's `Integer.parseInt` for ASCII input: optional sign, at least one digit, in range.
fn java_int(text: &str) -> Option<i32> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Firebase's scrypt: key = scrypt(password, salt ‖ separator, N = 2^mem_cost, r = rounds,
/// p = 1, 64 bytes); the hash is AES-256-CTR (key = the first 32 bytes, IV = 0) of the signer
/// key. All inputs are base64 text; `what` says which one is bad.
#[allow(clippy::too_many_arguments)]
fn firebase_scrypt(
    h: &Hasher,
    password: &str,
    hash: &str,
    salt: &str,
    separator: &str,
    signer_key: &[u8],
    mem_cost: i32,
    rounds: i32,
) -> Result<bool, VerifyError> {
    let decode = |text: &str, what: &str| {
        encoding::b64(text).ok_or_else(|| {
            VerifyError::from(DigestProblem::new(h, format_args!("{what} is not base64")))
        })
    };
    let (stored, mut salted) = (decode(hash, "hash")?, decode(salt, "salt")?);
    salted.extend(decode(separator, "salt separator")?);
    if signer_key.len() < limits::MIN_OUTPUT_BYTES {
        // The stored hash is the encrypted signer key, so its length is the key's.
        return Err(DigestProblem::new(h, "has a signer key shorter than 16 bytes").into());
    }
    let (Ok(log_n), Ok(r)) = (u32::try_from(mem_cost), u32::try_from(rounds)) else {
        return Err(DigestProblem::new(h, "has a negative memory cost or rounds").into());
    };
    if log_n == 0 || r == 0 {
        return Err(DigestProblem::new(h, "has a zero memory cost or rounds").into());
    }
    limits::scrypt(h, log_n, r, 1)?;
    let key = scrypt_derive(h, password.as_bytes(), &salted, log_n, r, 1, 64)?;
    let mut block = signer_key.to_vec();
    let mut cipher = ctr::Ctr128BE::<Aes256>::new_from_slices(&key[..32], &[0u8; 16])
        .map_err(|_| VerifyError::from(DigestProblem::new(h, "could not key AES-256-CTR")))?;
    cipher.apply_keystream(&mut block);
    Ok(ct_eq(&block, &stored))
}

/// Verifies Clerk's six-part digest; its own signer key and separator are used.
pub(crate) fn verify_clerk(h: &Hasher, digest: &str, password: &str) -> Result<bool, VerifyError> {
    let d = parse_clerk_firebase(digest).map_err(|detail| DigestProblem::new(h, detail))?;
    let signer_key = encoding::b64(d.signer_key)
        .ok_or_else(|| VerifyError::from(DigestProblem::new(h, "signer key is not base64")))?;
    firebase_scrypt(
        h,
        password,
        d.hash,
        d.salt,
        d.salt_separator,
        &signer_key,
        d.mem_cost,
        d.rounds,
    )
}

/// Verifies the core's `$f_scrypt$` form with the app's signer key from the request.
pub(crate) fn verify_core(
    h: &Hasher,
    digest: &str,
    password: &str,
    signer_key: Option<&str>,
) -> Result<bool, VerifyError> {
    if digest.len() > limits::MAX_DIGEST_BYTES {
        return Err(DigestProblem::new(
            h,
            format_args!("is longer than {} bytes", limits::MAX_DIGEST_BYTES),
        )
        .into());
    }
    let d = parse_core_firebase(digest).ok_or_else(|| {
        DigestProblem::new(
            h,
            "is not a valid $f_scrypt$<hash>$<salt>$m=…$r=…$s=… hash (the core's format)",
        )
    })?;
    let name = h.name_for_messages();
    let key = signer_key
        .ok_or(VerifyError::MissingParameter { hasher: name.clone(), parameter: "signerKey" })?;
    let key =
        encoding::b64(key).filter(|k| !k.is_empty()).ok_or(VerifyError::InvalidParameter {
            hasher: name,
            parameter: "signerKey",
            reason: "is not non-empty base64",
        })?;
    firebase_scrypt(h, password, &d.hash, &d.salt, &d.salt_separator, &key, d.mem_cost, d.rounds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_example_converts() {
        let c = convert_clerk_firebase("SGFzaA==$U2FsdA==$SIGNERKEY==$Bw==$8$14").unwrap();
        assert_eq!(c.core_hash, "$f_scrypt$SGFzaA==$U2FsdA==$m=14$r=8$s=Bw==");
        assert_eq!((c.signer_key.as_str(), c.salt_separator.as_str()), ("SIGNERKEY==", "Bw=="));
        assert!(!format!("{c:?}").contains("SIGNERKEY"));
        assert!(parse_core_firebase(&c.core_hash).is_some());
    }

    #[test]
    fn core_parser_follows_java() {
        let p = |s: &str| parse_core_firebase(s);
        let doc = "$f_scrypt$9Y8ICWcqbzmI42DxV1jpyEjbrJPG8EQ6nI6oC32JYz+/dd7aEjI/R7jG9P5kYh8v9gyqFKaXMDzMg7eLCypbOA==$/cj0jC1br5o4+w==$m=14$r=8$s=Bw==";
        let h = p(doc).unwrap();
        assert_eq!((h.mem_cost, h.rounds, h.salt_separator.as_str()), (14, 8, "Bw=="));
        assert!(p(&format!("  {doc}$$ \n")).is_some(), "trim and trailing empties");
        assert!(p("$f_scrypt$$$s=x$r=+8$m=-1").is_some(), "any order, signs, empty hash/salt");
        assert_eq!(p("$f_scrypt$h$s$m=1$m=2$r=3"), None, "s missing");
        assert_eq!(p("$f_scrypt$h$s$m=1$r=1$s=a$x"), None, "8 parts");
        assert_eq!(p("f_scrypt$h$s$m=1$r=1$s=a$x"), None, "no leading $");
        assert_eq!(p("$f_scrypt$h$s$m=1m=2$r=1$s=a").unwrap().mem_cost, 1);
        assert_eq!(p("$f_scrypt$h$s$m=$r=1$s=a"), None);
        assert_eq!(p("$f_scrypt$h$s$m=1$r=1$s="), None);
        assert_eq!(p("$f_scrypt$h$s$m=2147483648$r=1$s=a"), None);
        assert_eq!(p("$f_scrypt$h$s$m=1$r=1$s=a$q=1"), None);
        assert_eq!(p("$f_scrypt$h$s$m=1$r=x$s=a"), None);
        assert_eq!(p("$F_scrypt$h$s$m=1$r=1$s=a"), None);
    }

    #[test]
    fn clerk_shape() {
        assert!(parse_clerk_firebase("a$b$c$d$8$14").is_ok());
        assert!(parse_clerk_firebase("a$b$c$$8$14").is_err());
        assert!(parse_clerk_firebase("a$b$c$d$8$x").is_err());
        assert!(parse_clerk_firebase("a$b$c$d$8$99999999999").is_err());
    }
}
