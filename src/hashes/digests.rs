//! The fast, digest-based hashers: `md5`, `sha256`, `md5_salted`, `sha256_salted`,
//! `sha512_symfony`, `ldap_ssha` and `hmac_sha256_utf16_b64` (spec/clerk-exports.md §8.2).
//!
//! Clerk marks most of these insecure and rehashes them at first sign-in (§8.3). Several are
//! documented only by their layout, not by how salt and password are combined (§10 item 6);
//! each function says which reading it implements and why. Where nothing settles the order of
//! concatenation, both orders are accepted: a false "wrong password" forces a user to reset,
//! while accepting a second order only adds one more preimage target, which for a 128- or
//! 256-bit digest changes nothing in practice.

use hmac::{Hmac, Mac};
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use super::encoding::{self, ct_eq};
use super::format::{positive, DigestProblem};
use super::limits;
use super::verify::VerifyError;
use super::Hasher;

/// Output length of the hasher's digest function, in hex digits.
fn hex_len(hasher: &Hasher) -> usize {
    if matches!(hasher, Hasher::Md5 | Hasher::Md5Salted) {
        32
    } else {
        64
    }
}

/// Hashes the concatenation of `parts` with MD5 or SHA-256, depending on `hasher`.
fn hash_parts(hasher: &Hasher, parts: &[&[u8]]) -> Vec<u8> {
    if hex_len(hasher) == 32 {
        let mut h = Md5::new();
        parts.iter().for_each(|p| h.update(p));
        h.finalize().to_vec()
    } else {
        let mut h = Sha256::new();
        parts.iter().for_each(|p| h.update(p));
        h.finalize().to_vec()
    }
}

/// `md5`: 32 hex digits; `sha256`: 64 hex digits. Either case.
pub(crate) fn parse_unsalted(hasher: &Hasher, digest: &str) -> Result<Vec<u8>, DigestProblem> {
    let len = hex_len(hasher);
    match encoding::hex(digest) {
        Some(bytes) if digest.len() == len => Ok(bytes),
        _ => Err(DigestProblem::new(
            hasher,
            format_args!("must be {len} hex digits; got {} characters", digest.chars().count()),
        )),
    }
}

/// `md5`/`sha256`: the plain digest of the UTF-8 password.
pub(crate) fn verify_unsalted(
    hasher: &Hasher,
    digest: &str,
    password: &str,
) -> Result<bool, VerifyError> {
    let stored = parse_unsalted(hasher, digest)?;
    Ok(ct_eq(&hash_parts(hasher, &[password.as_bytes()]), &stored))
}

/// The (salt, hash) readings of a salted digest.
///
/// - `md5_salted`: `salt$hash` (TD), split at the last `$`.
/// - `sha256_salted`: `salt$hash` (TD) or `hash$salt` (the older OpenAPI text); a segment that
///   is exactly 64 hex digits is the hash (§8.2). If both ends qualify, both readings are kept.
pub(crate) fn parse_salted<'a>(
    hasher: &Hasher,
    digest: &'a str,
) -> Result<Vec<(&'a str, Vec<u8>)>, DigestProblem> {
    let len = hex_len(hasher);
    let mut readings = Vec::new();
    if let Some((salt, hash)) = digest.rsplit_once('$') {
        if !salt.is_empty() && encoding::is_hex_of_len(hash, len) {
            readings.extend(encoding::hex(hash).map(|h| (salt, h)));
        }
    }
    if *hasher == Hasher::Sha256Salted {
        if let Some((hash, salt)) = digest.split_once('$') {
            if !salt.is_empty() && encoding::is_hex_of_len(hash, len) {
                readings.extend(encoding::hex(hash).map(|h| (salt, h)));
            }
        }
    }
    if readings.is_empty() {
        let shape = if *hasher == Hasher::Sha256Salted {
            "must be <salt>$<hash> or <hash>$<salt> with a non-empty salt and a 64-hex-digit hash"
        } else {
            "must be <salt>$<hash> with a non-empty salt and a 32-hex-digit hash"
        };
        return Err(DigestProblem::new(hasher, shape));
    }
    Ok(readings)
}

/// `md5_salted`/`sha256_salted`: the digest of password‖salt or salt‖password (UTF-8 bytes of
/// both; the salt is used as written, not decoded). Clerk documents neither order, so both are
/// accepted (see the module docs).
pub(crate) fn verify_salted(
    hasher: &Hasher,
    digest: &str,
    password: &str,
) -> Result<bool, VerifyError> {
    let pw = password.as_bytes();
    let mut matched = false;
    for (salt, stored) in parse_salted(hasher, digest)? {
        let s = salt.as_bytes();
        // Non-short-circuiting `|` keeps the work independent of which reading matches.
        matched |= ct_eq(&hash_parts(hasher, &[pw, s]), &stored)
            | ct_eq(&hash_parts(hasher, &[s, pw]), &stored);
    }
    Ok(matched)
}

/// A parsed `sha512_symfony$<iterations>$<salt>$<hash>`.
#[derive(Debug)]
pub(crate) struct SymfonyDigest<'a> {
    iterations: u64,
    salt: &'a str,
    hash: Vec<u8>,
}

/// `sha512_symfony$<iterations>$<salt>$<hash>`: iterations > 0; hash base64 (Symfony's default
/// `encode_as_base64: true`) or, leniently, 128 hex digits (`encode_as_base64: false`). The
/// salt may be empty, and never contains `{` or `}` (Symfony refuses such salts).
pub(crate) fn parse_symfony<'a>(
    hasher: &Hasher,
    digest: &'a str,
) -> Result<SymfonyDigest<'a>, DigestProblem> {
    const SHAPE: &str = "must have the form sha512_symfony$<iterations>$<salt>$<base64 hash>";
    let rest =
        digest.strip_prefix("sha512_symfony$").ok_or_else(|| DigestProblem::new(hasher, SHAPE))?;
    let (iterations, rest) =
        rest.split_once('$').ok_or_else(|| DigestProblem::new(hasher, SHAPE))?;
    let (salt, hash) = rest.rsplit_once('$').ok_or_else(|| DigestProblem::new(hasher, SHAPE))?;
    let iterations = positive(hasher, iterations, "iteration count")?;
    if salt.contains(['{', '}']) {
        return Err(DigestProblem::new(hasher, "salt contains { or }, which Symfony never writes"));
    }
    let hash =
        if encoding::is_hex_of_len(hash, 128) { encoding::hex(hash) } else { encoding::b64(hash) };
    match hash {
        Some(hash) if hash.len() == 64 => Ok(SymfonyDigest { iterations, salt, hash }),
        _ => Err(DigestProblem::new(hasher, "hash must be a base64 (or hex) SHA-512 of 64 bytes")),
    }
}

/// `sha512_symfony`: Symfony's legacy `MessageDigestPasswordEncoder` with SHA-512. The salted
/// input is `password{salt}` (just the password when the salt is empty); the first round hashes
/// it, and each further round hashes the previous raw digest followed by the salted input.
pub(crate) fn verify_symfony(
    hasher: &Hasher,
    digest: &str,
    password: &str,
) -> Result<bool, VerifyError> {
    let d = parse_symfony(hasher, digest)?;
    limits::at_most(
        hasher,
        "Symfony iteration count",
        d.iterations,
        limits::MAX_SYMFONY_ITERATIONS,
    )?;
    let salted =
        if d.salt.is_empty() { password.to_string() } else { format!("{password}{{{}}}", d.salt) };
    let mut out = Sha512::digest(salted.as_bytes());
    for _ in 1..d.iterations {
        let mut h = Sha512::new();
        h.update(out);
        h.update(salted.as_bytes());
        out = h.finalize();
    }
    Ok(ct_eq(&out, &d.hash))
}

/// `{SSHA}` + base64(SHA-1 hash ‖ salt), RFC 2307 style as OpenLDAP writes it (OpenLDAP FAQ 347,
/// which Clerk links). The scheme tag is case-insensitive, as in LDAP.
pub(crate) fn parse_ssha(
    hasher: &Hasher,
    digest: &str,
) -> Result<(Vec<u8>, Vec<u8>), DigestProblem> {
    let shape = "must be {SSHA} followed by base64 of a 20-byte SHA-1 hash and the salt";
    let tag = digest.get(..6).filter(|t| t.eq_ignore_ascii_case("{SSHA}"));
    let raw = tag
        .and_then(|_| encoding::b64(&digest[6..]))
        .ok_or_else(|| DigestProblem::new(hasher, shape))?;
    if raw.len() <= 20 {
        return Err(DigestProblem::new(
            hasher,
            format_args!("{shape}; decoded to only {} bytes", raw.len()),
        ));
    }
    let (hash, salt) = raw.split_at(20);
    Ok((hash.to_vec(), salt.to_vec()))
}

/// `ldap_ssha`: SHA-1 over password‖salt.
pub(crate) fn verify_ssha(
    hasher: &Hasher,
    digest: &str,
    password: &str,
) -> Result<bool, VerifyError> {
    let (stored, salt) = parse_ssha(hasher, digest)?;
    let mut h = Sha1::new();
    h.update(password.as_bytes());
    h.update(&salt);
    Ok(ct_eq(&h.finalize(), &stored))
}

/// `hmac_sha256_utf16_b64$<hash>$<key>`: hash is base64 of 32 bytes; key is base64.
pub(crate) fn parse_hmac_utf16(
    hasher: &Hasher,
    digest: &str,
) -> Result<(Vec<u8>, Vec<u8>), DigestProblem> {
    let shape = "must have the form hmac_sha256_utf16_b64$<base64 hash>$<base64 key>";
    let rest = digest
        .strip_prefix("hmac_sha256_utf16_b64$")
        .ok_or_else(|| DigestProblem::new(hasher, shape))?;
    let (hash, key) = rest.split_once('$').ok_or_else(|| DigestProblem::new(hasher, shape))?;
    let hash = encoding::b64(hash).filter(|h| h.len() == 32);
    let key = encoding::b64(key).filter(|k| !k.is_empty());
    match (hash, key) {
        (Some(hash), Some(key)) => Ok((hash, key)),
        _ => Err(DigestProblem::new(
            hasher,
            format_args!("{shape} (a 32-byte hash, a non-empty key)"),
        )),
    }
}

/// `hmac_sha256_utf16_b64`: documented only as "HMAC algorithm using the SHA256 hashing
/// function" (older OpenAPI text). The name matches ASP.NET Membership's default since .NET 4
/// (`SqlMembershipProvider.EncodePassword` with `HMACSHA256`): the message is the password in
/// UTF-16LE, the output is base64, and the key is the base64-decoded salt stretched to the
/// 64-byte key of a fresh `HMACSHA256` (repeated if shorter, truncated if longer). That reading
/// is tried first; the key used as-is (plain HMAC) is also accepted, since for a 64-byte salt
/// the two agree and a reimplementation may have skipped the stretching.
pub(crate) fn verify_hmac_utf16(
    hasher: &Hasher,
    digest: &str,
    password: &str,
) -> Result<bool, VerifyError> {
    let (stored, key) = parse_hmac_utf16(hasher, digest)?;
    let message: Vec<u8> = password.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let stretched: Vec<u8> = key.iter().copied().cycle().take(64).collect();
    let mac = |k: &[u8]| -> Vec<u8> {
        // HMAC takes keys of any length, so `new_from_slice` cannot fail here.
        match <Hmac<Sha256> as Mac>::new_from_slice(k) {
            Ok(mut m) => {
                m.update(&message);
                m.finalize().into_bytes().to_vec()
            }
            Err(_) => Vec::new(),
        }
    };
    Ok(ct_eq(&mac(&stretched), &stored) | ct_eq(&mac(&key), &stored))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_examples() {
        let md5 = "5f4dcc3b5aa765d61d8327deb882cf99";
        assert_eq!(verify_unsalted(&Hasher::Md5, md5, "password"), Ok(true));
        assert_eq!(verify_unsalted(&Hasher::Md5, &md5.to_uppercase(), "password"), Ok(true));
        let sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        assert_eq!(verify_unsalted(&Hasher::Sha256, sha, "test"), Ok(true));
        assert_eq!(verify_unsalted(&Hasher::Sha256, sha, "Test"), Ok(false));
    }

    #[test]
    fn perl_ssha_example() {
        // Authen::Passphrase::SaltedDigest's documented {SSHA} value, password "passphrase".
        let d = "{SSHA}gnDZ0aNF04BqsjsDhXAuEPGsyUOp9SSx6BnpbYzHoE1UceixDITllg==";
        assert_eq!(verify_ssha(&Hasher::LdapSsha, d, "passphrase"), Ok(true));
        assert_eq!(verify_ssha(&Hasher::LdapSsha, d, "passphrasE"), Ok(false));
        assert!(parse_ssha(&Hasher::LdapSsha, "{SSHA}AAAA").is_err());
    }

    #[test]
    fn salted_readings() {
        let h = Hasher::Sha256Salted;
        let hex64 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        assert_eq!(parse_salted(&h, &format!("salt${hex64}")).unwrap().len(), 1);
        assert_eq!(parse_salted(&h, &format!("{hex64}$salt")).unwrap().len(), 1);
        assert_eq!(parse_salted(&h, &format!("{hex64}${hex64}")).unwrap().len(), 2);
        assert!(parse_salted(&h, hex64).is_err());
        assert!(parse_salted(&Hasher::Md5Salted, "5f4dcc3b5aa765d61d8327deb882cf99$salt").is_err());
    }
}
