//! The five PBKDF2 hashers (spec/clerk-exports.md §8.2). They share one construction
//! (PBKDF2-HMAC, RFC 8018) and differ in the PRF and in how salt and hash are written:
//!
//! | Hasher | Prefix | Salt | Hash |
//! |---|---|---|---|
//! | `pbkdf2_sha1` | `pbkdf2_sha1$` | hex, or the raw text if it is not valid hex | hex |
//! | `pbkdf2_sha256` | `pbkdf2_sha256$` | base64 | base64 |
//! | `pbkdf2_sha256_django` | `pbkdf2_sha256$` | raw text (Django) | base64 |
//! | `pbkdf2_sha512` | `pbkdf2_sha512$` | raw text | hex |
//! | `pbkdf2_sha512_hex` | `pbkdf2_sha512_hex$` (or `pbkdf2_sha512$`) | hex | hex |
//!
//! The derived-key length is the decoded hash's length, at least
//! [`MIN_OUTPUT_BYTES`](super::limits::MIN_OUTPUT_BYTES). `pbkdf2_sha1` may carry a fifth field,
//! the key length in bytes (Clerk: "defaults to 32"); the hash must have exactly that length, so
//! a four-field `pbkdf2_sha1` digest has a 32-byte hash, as Clerk would compute it.

use pbkdf2::pbkdf2_hmac;
use sha1::Sha1;
use sha2::{Sha256, Sha512};

use super::encoding::{self, ct_eq};
use super::format::{fields, positive, DigestProblem};
use super::limits;
use super::verify::VerifyError;
use super::Hasher;

/// The PRF inside PBKDF2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prf {
    Sha1,
    Sha256,
    Sha512,
}

/// A parsed PBKDF2 digest.
#[derive(Debug)]
pub(crate) struct Pbkdf2Digest {
    prf: Prf,
    iterations: u64,
    salt: Vec<u8>,
    hash: Vec<u8>,
}

/// Parses any of the five PBKDF2 formats; `hasher` decides which.
pub(crate) fn parse(hasher: &Hasher, digest: &str) -> Result<Pbkdf2Digest, DigestProblem> {
    let (prf, prefix, shape) = match hasher {
        Hasher::Pbkdf2Sha1 => {
            (Prf::Sha1, "pbkdf2_sha1$", "pbkdf2_sha1$<iterations>$<salt>$<hex hash>[$<key length>]")
        }
        Hasher::Pbkdf2Sha256 => (
            Prf::Sha256,
            "pbkdf2_sha256$",
            "pbkdf2_sha256$<iterations>$<base64 salt>$<base64 hash>",
        ),
        Hasher::Pbkdf2Sha256Django => {
            (Prf::Sha256, "pbkdf2_sha256$", "pbkdf2_sha256$<iterations>$<salt>$<base64 hash>")
        }
        Hasher::Pbkdf2Sha512 => {
            (Prf::Sha512, "pbkdf2_sha512$", "pbkdf2_sha512$<iterations>$<salt>$<hex hash>")
        }
        // pbkdf2_sha512_hex; `pbkdf2_sha512$` is accepted too (see the module docs).
        _ => {
            let short = digest.starts_with("pbkdf2_sha512$");
            let prefix = if short { "pbkdf2_sha512$" } else { "pbkdf2_sha512_hex$" };
            (Prf::Sha512, prefix, "pbkdf2_sha512_hex$<iterations>$<hex salt>$<hex hash>")
        }
    };
    let parts = fields(hasher, digest, prefix, shape)?;
    let count_ok = parts.len() == 3 || (*hasher == Hasher::Pbkdf2Sha1 && parts.len() == 4);
    if !count_ok || parts[1].is_empty() || parts[2].is_empty() {
        return Err(DigestProblem::new(
            hasher,
            format_args!("must have the form {shape}; got {} fields after the prefix", parts.len()),
        ));
    }
    let iterations = positive(hasher, parts[0], "iteration count")?;
    let (salt_text, hash_text) = (parts[1], parts[2]);
    let bad = |what: &str| {
        DigestProblem::new(
            hasher,
            format_args!("{what} is not valid {}", what_encoding(hasher, what)),
        )
    };
    let salt = match hasher {
        Hasher::Pbkdf2Sha1 => {
            encoding::hex(salt_text).unwrap_or_else(|| salt_text.as_bytes().to_vec())
        }
        Hasher::Pbkdf2Sha256 => encoding::b64(salt_text).ok_or_else(|| bad("salt"))?,
        Hasher::Pbkdf2Sha512Hex => encoding::hex(salt_text).ok_or_else(|| bad("salt"))?,
        _ => salt_text.as_bytes().to_vec(),
    };
    let hash = match hasher {
        Hasher::Pbkdf2Sha256 | Hasher::Pbkdf2Sha256Django => encoding::b64(hash_text),
        _ => encoding::hex(hash_text),
    }
    .ok_or_else(|| bad("hash"))?;
    if !(limits::MIN_OUTPUT_BYTES..=limits::MAX_OUTPUT_BYTES).contains(&hash.len()) {
        return Err(DigestProblem::new(
            hasher,
            format_args!(
                "hash must decode to {}–{} bytes; got {}",
                limits::MIN_OUTPUT_BYTES,
                limits::MAX_OUTPUT_BYTES,
                hash.len()
            ),
        ));
    }
    if *hasher == Hasher::Pbkdf2Sha512 {
        // The older OpenAPI text: iterations < 420000, salt and key < 1024 bytes.
        if iterations >= 420_000 || salt.len() >= 1024 || hash.len() >= 1024 {
            return Err(DigestProblem::new(
                hasher,
                "breaks Clerk's limits (iterations < 420000, salt and key < 1024 bytes)",
            ));
        }
    }
    if *hasher == Hasher::Pbkdf2Sha1 {
        // Clerk: the key length is the optional fifth field, 32 bytes by default.
        let key_len = match parts.get(3) {
            Some(text) => positive(hasher, text, "key length")?,
            None => 32,
        };
        if key_len != hash.len() as u64 {
            return Err(DigestProblem::new(
                hasher,
                format_args!(
                    "hash has {} bytes but the key length is {key_len} (32 unless a fifth field says otherwise)",
                    hash.len()
                ),
            ));
        }
    }
    Ok(Pbkdf2Digest { prf, iterations, salt, hash })
}

/// The encoding a field should have, for messages.
fn what_encoding(hasher: &Hasher, field: &str) -> &'static str {
    match (hasher, field) {
        (Hasher::Pbkdf2Sha256, _) | (Hasher::Pbkdf2Sha256Django, "hash") => "base64",
        _ => "hex",
    }
}

/// Derives PBKDF2 over the UTF-8 password and compares with the stored hash.
pub(crate) fn verify(hasher: &Hasher, digest: &str, password: &str) -> Result<bool, VerifyError> {
    let d = parse(hasher, digest)?;
    limits::at_most(hasher, "PBKDF2 iteration count", d.iterations, limits::MAX_PBKDF2_ITERATIONS)?;
    // Bounded by MAX_PBKDF2_ITERATIONS above, so this fits.
    let rounds = u32::try_from(d.iterations).unwrap_or(u32::MAX);
    let mut out = vec![0u8; d.hash.len()];
    let pw = password.as_bytes();
    match d.prf {
        Prf::Sha1 => pbkdf2_hmac::<Sha1>(pw, &d.salt, rounds, &mut out),
        Prf::Sha256 => pbkdf2_hmac::<Sha256>(pw, &d.salt, rounds, &mut out),
        Prf::Sha512 => pbkdf2_hmac::<Sha512>(pw, &d.salt, rounds, &mut out),
    }
    Ok(ct_eq(&out, &d.hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn django_reference_vector() {
        // Django's own test: make_password('lètmein', 'seasalt', 'pbkdf2_sha256') at 870000
        // iterations is slow; this one is Django 1.x's 10000-iteration vector.
        let d = "pbkdf2_sha256$10000$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY=";
        let h = Hasher::Pbkdf2Sha256Django;
        assert_eq!(verify(&h, d, "lètmein"), Ok(true));
        assert_eq!(verify(&h, d, "letmein"), Ok(false));
    }

    #[test]
    fn shapes() {
        let h = Hasher::Pbkdf2Sha1;
        let h16 = "00".repeat(16);
        let h32 = "00".repeat(32);
        assert!(parse(&h, &format!("pbkdf2_sha1$1000$73616c74${h16}$16")).is_ok());
        assert!(parse(&h, &format!("pbkdf2_sha1$1000$73616c74${h16}$17")).is_err());
        assert!(parse(&h, &format!("pbkdf2_sha1$1000$73616c74${h16}")).is_err(), "32 by default");
        assert!(parse(&h, &format!("pbkdf2_sha1$1000$73616c74${h32}")).is_ok());
        assert!(parse(&h, &format!("pbkdf2_sha1$0$73616c74${h32}")).is_err());
        assert!(parse(&Hasher::Pbkdf2Sha512Hex, &format!("pbkdf2_sha512$10$00${h16}")).is_ok());
        assert!(parse(&Hasher::Pbkdf2Sha512Hex, "pbkdf2_sha512$10$00$00ff").is_err(), "too short");
        assert!(parse(&Hasher::Pbkdf2Sha512, &format!("pbkdf2_sha512$420000$s${h16}")).is_err());
        let b64_16 = "AAAAAAAAAAAAAAAAAAAAAA==";
        assert!(parse(&Hasher::Pbkdf2Sha256, &format!("pbkdf2_sha256$10$!!${b64_16}")).is_err());
    }
}
