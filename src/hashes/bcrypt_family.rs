//! `bcrypt`, `bcrypt_sha256_django` and `bcrypt_peppered` (spec/clerk-exports.md §8.2).
//!
//! All three store a plain modular-crypt bcrypt string; they differ only in what was fed to
//! bcrypt: the password, the hex SHA-256 of the password (Django's `BCryptSHA256PasswordHasher`),
//! or the password followed by a pepper (Devise's `config.pepper`).

use sha2::{Digest, Sha256};

use super::format::DigestProblem;
use super::limits;
use super::verify::VerifyError;
use super::Hasher;

/// Length of a modular-crypt bcrypt string: `$2b$` + 2-digit cost + `$` + 53 characters.
const BCRYPT_LEN: usize = 60;
/// Django's prefix in front of the bcrypt string (`bcrypt_sha256$$2b$12$…`).
const DJANGO_PREFIX: &str = "bcrypt_sha256$";

/// A bcrypt string that passed the Clerk CLI's shape check, and its cost.
#[derive(Debug)]
pub(crate) struct BcryptDigest<'a> {
    pub text: &'a str,
    pub cost: u32,
}

/// `^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$`, the Clerk CLI's `bcrypt` check (§8.4).
pub(crate) fn parse_bcrypt<'a>(
    hasher: &Hasher,
    digest: &'a str,
) -> Result<BcryptDigest<'a>, DigestProblem> {
    const SHAPE: &str = "must be 60 characters of the form $2a$NN$… (version 2a, 2b or 2y, a \
                         two-digit cost, then 53 characters of [./A-Za-z0-9])";
    let b = digest.as_bytes();
    if b.len() != BCRYPT_LEN {
        return Err(DigestProblem::new(
            hasher,
            format_args!("{SHAPE}; got {} characters", b.len()),
        ));
    }
    let shape_ok = b[0] == b'$'
        && b[1] == b'2'
        && matches!(b[2], b'a' | b'b' | b'y')
        && b[3] == b'$'
        && b[4].is_ascii_digit()
        && b[5].is_ascii_digit()
        && b[6] == b'$'
        && b[7..].iter().all(|&c| c == b'.' || c == b'/' || c.is_ascii_alphanumeric());
    if !shape_ok {
        return Err(DigestProblem::new(hasher, SHAPE));
    }
    let cost = u32::from(b[4] - b'0') * 10 + u32::from(b[5] - b'0');
    if !(4..=31).contains(&cost) {
        return Err(DigestProblem::new(hasher, "has a cost outside bcrypt's range 4–31"));
    }
    Ok(BcryptDigest { text: digest, cost })
}

/// `bcrypt_sha256$` followed by a bcrypt string (Django export).
pub(crate) fn parse_django<'a>(
    hasher: &Hasher,
    digest: &'a str,
) -> Result<BcryptDigest<'a>, DigestProblem> {
    match digest.strip_prefix(DJANGO_PREFIX) {
        Some(inner) => parse_bcrypt(hasher, inner),
        None => Err(DigestProblem::new(
            hasher,
            "must start with bcrypt_sha256$ and then a bcrypt string",
        )),
    }
}

/// A bcrypt string, optionally followed by `$<pepper>` (Devise).
pub(crate) fn parse_peppered<'a>(
    hasher: &Hasher,
    digest: &'a str,
) -> Result<(BcryptDigest<'a>, Option<&'a str>), DigestProblem> {
    match (digest.get(..BCRYPT_LEN), digest.get(BCRYPT_LEN..)) {
        (Some(head), Some(rest)) if !rest.is_empty() => match rest.strip_prefix('$') {
            Some(pepper) => Ok((parse_bcrypt(hasher, head)?, Some(pepper))),
            None => Err(DigestProblem::new(
                hasher,
                "must be a 60-character bcrypt string, optionally followed by $<pepper>",
            )),
        },
        _ => Ok((parse_bcrypt(hasher, digest)?, None)),
    }
}

/// Runs bcrypt over `input` and compares (in constant time, inside the `bcrypt` crate). Inputs
/// longer than 72 bytes are truncated, as every bcrypt implementation does.
fn bcrypt_verify(hasher: &Hasher, input: &[u8], d: &BcryptDigest<'_>) -> Result<bool, VerifyError> {
    limits::at_most(hasher, "bcrypt cost", d.cost.into(), limits::MAX_BCRYPT_COST.into())?;
    bcrypt::verify(input, d.text).map_err(|_| {
        VerifyError::MalformedDigest(DigestProblem::new(hasher, "is not a decodable bcrypt string"))
    })
}

/// `bcrypt`: bcrypt over the UTF-8 password.
pub(crate) fn verify_bcrypt(
    hasher: &Hasher,
    digest: &str,
    password: &str,
) -> Result<bool, VerifyError> {
    let d = parse_bcrypt(hasher, digest)?;
    bcrypt_verify(hasher, password.as_bytes(), &d)
}

/// `bcrypt_sha256_django`: Django's `BCryptSHA256PasswordHasher` runs bcrypt over the lowercase
/// hex SHA-256 of the UTF-8 password (64 ASCII bytes, so never truncated by bcrypt).
pub(crate) fn verify_django(
    hasher: &Hasher,
    digest: &str,
    password: &str,
) -> Result<bool, VerifyError> {
    let d = parse_django(hasher, digest)?;
    let prehash = hex::encode(Sha256::digest(password.as_bytes()));
    bcrypt_verify(hasher, prehash.as_bytes(), &d)
}

/// `bcrypt_peppered`: Devise hashes `password + pepper` with bcrypt. The pepper stored in the
/// digest (Clerk's `$<pepper>` suffix) wins; `configured` (the request's `pepper`) is used only
/// when the digest carries none, since one Devise app has one pepper.
pub(crate) fn verify_peppered(
    hasher: &Hasher,
    digest: &str,
    password: &str,
    configured: Option<&str>,
) -> Result<bool, VerifyError> {
    let (d, stored) = parse_peppered(hasher, digest)?;
    let pepper = stored.or(configured).ok_or_else(|| VerifyError::MissingParameter {
        hasher: hasher.name_for_messages(),
        parameter: "pepper",
    })?;
    let mut input = Vec::with_capacity(password.len() + pepper.len());
    input.extend_from_slice(password.as_bytes());
    input.extend_from_slice(pepper.as_bytes());
    bcrypt_verify(hasher, &input, &d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clerk_sample_verifies() {
        // spec/clerk-exports.md §2.8, MT sample.
        let d = "$2b$10$U4C0ZY8OG8y41F9LusfKyu3HRMBL0rCZcKBVsXhgr.n8Ou6FPhzO2";
        assert_eq!(verify_bcrypt(&Hasher::Bcrypt, d, "Kk4aPMeiaRpAs2OeX1NE"), Ok(true));
        assert_eq!(verify_bcrypt(&Hasher::Bcrypt, d, "Kk4aPMeiaRpAs2OeX1NF"), Ok(false));
    }

    #[test]
    fn peppered_shapes() {
        let d = "$2b$10$U4C0ZY8OG8y41F9LusfKyu3HRMBL0rCZcKBVsXhgr.n8Ou6FPhzO2";
        let h = Hasher::BcryptPeppered;
        assert_eq!(parse_peppered(&h, d).unwrap().1, None);
        assert_eq!(parse_peppered(&h, &format!("{d}$pep$per")).unwrap().1, Some("pep$per"));
        assert!(parse_peppered(&h, &format!("{d}x")).is_err());
        assert!(matches!(
            verify_peppered(&h, d, "pw", None),
            Err(VerifyError::MissingParameter { parameter: "pepper", .. })
        ));
    }

    #[test]
    fn cost_is_bounded() {
        let d = "$2b$31$U4C0ZY8OG8y41F9LusfKyu3HRMBL0rCZcKBVsXhgr.n8Ou6FPhzO2";
        assert!(matches!(
            verify_bcrypt(&Hasher::Bcrypt, d, "x"),
            Err(VerifyError::CostTooHigh { .. })
        ));
        let d = "$2b$03$U4C0ZY8OG8y41F9LusfKyu3HRMBL0rCZcKBVsXhgr.n8Ou6FPhzO2";
        assert!(parse_bcrypt(&Hasher::Bcrypt, d).is_err());
    }
}
