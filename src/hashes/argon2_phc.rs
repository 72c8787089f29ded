//! `argon2i` and `argon2id`: PHC strings such as `$argon2id$v=19$m=64,t=4,p=8$<salt>$<hash>`
//! (spec/clerk-exports.md §8.2). The Clerk CLI checks only the `$argon2` prefix (§8.4); here the
//! whole string must parse. The variant written in the string is the one verified, so an
//! `argon2i` user whose digest says `$argon2id$` still verifies; a missing `v=` means version 19,
//! as Clerk's docs assume.

use argon2::password_hash::{Error as PhcError, PasswordHash, PasswordVerifier};
use argon2::{Argon2, Params};

use super::format::DigestProblem;
use super::limits;
use super::verify::VerifyError;
use super::Hasher;

/// Parses the PHC string and its Argon2 parameters.
pub(crate) fn parse<'a>(
    hasher: &Hasher,
    digest: &'a str,
) -> Result<(PasswordHash<'a>, Params), DigestProblem> {
    let shape = "must be an Argon2 PHC string like $argon2id$v=19$m=…,t=…,p=…$<salt>$<hash>";
    if !digest.starts_with("$argon2") {
        return Err(DigestProblem::new(
            hasher,
            format_args!("{shape} (it must start with $argon2)"),
        ));
    }
    let phc = PasswordHash::new(digest).map_err(|_| DigestProblem::new(hasher, shape))?;
    if !matches!(phc.algorithm.as_str(), "argon2i" | "argon2id" | "argon2d") {
        return Err(DigestProblem::new(
            hasher,
            "names an algorithm other than argon2i, argon2id or argon2d",
        ));
    }
    if phc.salt.is_none() || phc.hash.is_none() {
        return Err(DigestProblem::new(hasher, "lacks its salt or hash field"));
    }
    if phc.hash.map_or(0, |h| h.len()) < limits::MIN_OUTPUT_BYTES {
        return Err(DigestProblem::new(hasher, "has a hash shorter than 16 bytes"));
    }
    // argon2 0.5.3's `Params::new` computes `p * 8` before it checks `p`, which overflows for a
    // huge `p` (a panic with overflow checks on; found by fuzzing). Argon2 allows p < 2^24, so
    // refuse anything larger before handing the string to the crate.
    if phc.params.get_decimal("p").is_some_and(|p| p > Params::MAX_P_COST) {
        return Err(DigestProblem::new(hasher, "has Argon2 parameters out of range (m, t, p or version)"));
    }
    let params = Params::try_from(&phc).map_err(|_| {
        DigestProblem::new(hasher, "has Argon2 parameters out of range (m, t, p or version)")
    })?;
    Ok((phc, params))
}

/// Recomputes Argon2 with the string's own variant, version and parameters, after checking them
/// against [`limits`](super::limits); the comparison is constant-time inside `password-hash`.
pub(crate) fn verify(hasher: &Hasher, digest: &str, password: &str) -> Result<bool, VerifyError> {
    let (phc, params) = parse(hasher, digest)?;
    limits::at_most(
        hasher,
        "Argon2 memory (KiB)",
        params.m_cost().into(),
        limits::MAX_ARGON2_MEMORY_KIB.into(),
    )?;
    limits::at_most(
        hasher,
        "Argon2 passes (t)",
        params.t_cost().into(),
        limits::MAX_ARGON2_PASSES.into(),
    )?;
    limits::at_most(
        hasher,
        "Argon2 lanes (p)",
        params.p_cost().into(),
        limits::MAX_ARGON2_LANES.into(),
    )?;
    match Argon2::default().verify_password(password.as_bytes(), &phc) {
        Ok(()) => Ok(true),
        Err(PhcError::Password) => Ok(false),
        Err(_) => {
            Err(DigestProblem::new(hasher, "could not be evaluated with its own parameters").into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_examples_parse() {
        let h = Hasher::Argon2i;
        let d = "$argon2i$v=19$m=4096,t=3,p=1$4t6CL3P7YiHBtwESXawI8Hm20zJj4cs7/4/G3c187e0$m7RQFczcKr5bIR0IIxbpO2P0tyrLjf3eUW3M3QSwnLc";
        assert!(parse(&h, d).is_ok());
        assert!(parse(&h, "$argon2i$v=19$m=4096,t=3,p=1").is_err());
        assert!(parse(&h, "$scrypt$ln=1,r=8,p=1$c2FsdA$aGFzaA").is_err());
        let big = "$argon2id$v=19$m=4194304,t=3,p=1$c2FsdHNhbHQ$m7RQFczcKr5bIR0IIxbpO2P0tyrLjf3eUW3M3QSwnLc";
        assert!(matches!(
            verify(&Hasher::Argon2id, big, "x"),
            Err(VerifyError::CostTooHigh { .. })
        ));
    }
}
