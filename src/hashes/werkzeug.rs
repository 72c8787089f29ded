//! `scrypt_werkzeug`: Werkzeug's `generate_password_hash(method="scrypt")`
//! (spec/clerk-exports.md §8.2).
//!
//! Werkzeug writes `scrypt:<N>:<r>:<p>$<salt>$<hex hash>` (plain `scrypt` means 32768:8:1),
//! deriving 64 bytes with `hashlib.scrypt` over the UTF-8 password and the salt *text* as
//! bytes. The Clerk CLI checks `^scrypt:\d+:\d+:\d+\$[^$]+\$[0-9a-f]+$` (case-insensitive);
//! Clerk's docs call the hash "base64". The sources conflict, so both encodings are accepted:
//! the hash counts as hex when it is hex, and as base64 when it decodes as base64; the password
//! matches if either reading matches. One derivation serves both, because scrypt's output for
//! a shorter length is a prefix of its output for a longer one.

use super::encoding::{self, ct_eq};
use super::format::DigestProblem;
use super::limits;
use super::verify::VerifyError;
use super::Hasher;

/// A parsed Werkzeug scrypt digest.
#[derive(Debug)]
pub(crate) struct WerkzeugDigest<'a> {
    log_n: u32,
    r: u32,
    p: u32,
    salt: &'a str,
    /// Every decoding of the hash field (hex and/or base64).
    readings: Vec<Vec<u8>>,
}

/// Parses `scrypt[:N:r:p]$salt$hash`.
pub(crate) fn parse<'a>(
    hasher: &Hasher,
    digest: &'a str,
) -> Result<WerkzeugDigest<'a>, DigestProblem> {
    const SHAPE: &str = "must have the form scrypt:<N>:<r>:<p>$<salt>$<hash>";
    let mut parts = digest.splitn(3, '$');
    let (method, salt, hash) = match (parts.next(), parts.next(), parts.next()) {
        (Some(m), Some(s), Some(h)) if !s.is_empty() && !h.is_empty() => (m, s, h),
        _ => return Err(DigestProblem::new(hasher, SHAPE)),
    };
    let (n, r, p) = match method.split(':').collect::<Vec<_>>().as_slice() {
        ["scrypt"] => (32_768, 8, 1),
        ["scrypt", n, r, p] => {
            let num = |t: &str| encoding::decimal(t).filter(|&v| v > 0 && v <= u64::from(u32::MAX));
            match (num(n), num(r), num(p)) {
                (Some(n), Some(r), Some(p)) => (n, r as u32, p as u32),
                _ => {
                    return Err(DigestProblem::new(
                        hasher,
                        "has N, r and p that are not positive 32-bit integers",
                    ))
                }
            }
        }
        _ => return Err(DigestProblem::new(hasher, SHAPE)),
    };
    if n < 2 || !n.is_power_of_two() {
        return Err(DigestProblem::new(
            hasher,
            "has an N that is not a power of two greater than 1",
        ));
    }
    let log_n = n.trailing_zeros();
    let readings: Vec<Vec<u8>> = [encoding::hex(hash), encoding::b64(hash)]
        .into_iter()
        .flatten()
        .filter(|h| (limits::MIN_OUTPUT_BYTES..=limits::MAX_OUTPUT_BYTES).contains(&h.len()))
        .collect();
    if readings.is_empty() {
        return Err(DigestProblem::new(
            hasher,
            "hash is neither hex nor base64 of 16 to 1024 bytes",
        ));
    }
    Ok(WerkzeugDigest { log_n, r, p, salt, readings })
}

/// Derives scrypt once, as long as the longest reading, and compares each reading with the
/// prefix of its length.
pub(crate) fn verify(hasher: &Hasher, digest: &str, password: &str) -> Result<bool, VerifyError> {
    let d = parse(hasher, digest)?;
    limits::scrypt(hasher, d.log_n, d.r, d.p)?;
    let len = d.readings.iter().map(Vec::len).max().unwrap_or(64);
    let out =
        scrypt_derive(hasher, password.as_bytes(), d.salt.as_bytes(), d.log_n, d.r, d.p, len)?;
    let mut matched = false;
    for reading in &d.readings {
        matched |= ct_eq(&out[..reading.len()], reading);
    }
    Ok(matched)
}

/// scrypt with parameters already checked against [`limits`](super::limits). Parameters the
/// scrypt crate still refuses (e.g. `log_n ≥ 16·r`) are a malformed digest.
pub(crate) fn scrypt_derive(
    hasher: &Hasher,
    password: &[u8],
    salt: &[u8],
    log_n: u32,
    r: u32,
    p: u32,
    len: usize,
) -> Result<Vec<u8>, VerifyError> {
    let invalid = || {
        VerifyError::from(DigestProblem::new(hasher, "has scrypt parameters scrypt itself refuses"))
    };
    let log_n = u8::try_from(log_n).map_err(|_| invalid())?;
    // Params::new bounds the key length to 10..=64 for its PHC use only; `scrypt()` takes any
    // output length, so the parameters are built with 64 and the output sized separately.
    let params = scrypt::Params::new(log_n, r, p, 64).map_err(|_| invalid())?;
    let mut out = vec![0u8; len];
    scrypt::scrypt(password, salt, &params, &mut out).map_err(|_| invalid())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let h = Hasher::ScryptWerkzeug;
        let hex = "00ff".repeat(8);
        assert!(parse(&h, &format!("scrypt:16384:8:1$salt${hex}")).is_ok());
        assert_eq!(parse(&h, &format!("scrypt$salt${hex}")).unwrap().log_n, 15);
        assert!(parse(&h, "scrypt:16384:8:1$salt$00ff").is_err(), "too short");
        assert!(parse(&h, &format!("scrypt:1000:8:1$salt${hex}")).is_err());
        assert!(parse(&h, &format!("pbkdf2:sha256:1000$salt${hex}")).is_err());
        assert!(parse(&h, &format!("scrypt:16384:8:1$${hex}")).is_err());
        let huge = format!("scrypt:1073741824:8:1$salt${hex}");
        assert!(matches!(verify(&h, &huge, "x"), Err(VerifyError::CostTooHigh { .. })));
    }
}
