//! `phpass` and `md5_phpass`: the phpass "portable" hash (Openwall phpass 0.3
//! `crypt_private`), as WordPress (`$P$`) and phpBB (`$H$`) store it (spec/clerk-exports.md §8.2).
//!
//! Clerk documents `phpass` as `$P$<rounds><salt><checksum>`; `md5_phpass` is undocumented and
//! read the same way, since phpass's portable hash *is* iterated MD5 (Inferred, §8.2). The
//! iteration loop and phpass's own base64 variant are part of the construction, written here;
//! MD5 itself comes from the `md-5` crate.

use md5::{Digest, Md5};

use super::encoding::ct_eq;
use super::format::DigestProblem;
use super::limits;
use super::verify::VerifyError;
use super::Hasher;

/// phpass's alphabet; note it differs from standard base64 in order.
const ITOA64: &[u8; 64] = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A parsed phpass string.
#[derive(Debug)]
pub(crate) struct PhpassDigest<'a> {
    log2_rounds: u32,
    salt: &'a [u8],
    checksum: &'a [u8],
}

/// The position of `c` in [`ITOA64`].
fn itoa64_index(c: u8) -> Option<u32> {
    ITOA64.iter().position(|&a| a == c).and_then(|i| u32::try_from(i).ok())
}

/// `$P$` or `$H$`, one rounds character (log₂ rounds, 7–30), 8 salt and 22 checksum characters
/// from `[./0-9A-Za-z]`: 34 characters in all.
pub(crate) fn parse<'a>(
    hasher: &Hasher,
    digest: &'a str,
) -> Result<PhpassDigest<'a>, DigestProblem> {
    const SHAPE: &str = "must be 34 characters: $P$ (or $H$), a rounds character, an 8-character \
                         salt and a 22-character checksum, all from [./0-9A-Za-z]";
    let b = digest.as_bytes();
    if b.len() != 34 {
        return Err(DigestProblem::new(
            hasher,
            format_args!("{SHAPE}; got {} characters", b.len()),
        ));
    }
    let ok = (b.starts_with(b"$P$") || b.starts_with(b"$H$"))
        && b[3..].iter().all(|&c| itoa64_index(c).is_some());
    if !ok {
        return Err(DigestProblem::new(hasher, SHAPE));
    }
    let log2_rounds = itoa64_index(b[3]).unwrap_or(0);
    if !(7..=30).contains(&log2_rounds) {
        return Err(DigestProblem::new(
            hasher,
            "has a rounds character outside phpass's range 2^7–2^30",
        ));
    }
    Ok(PhpassDigest { log2_rounds, salt: &b[4..12], checksum: &b[12..] })
}

/// phpass's `encode64`: little-endian groups of 3 bytes into 4 characters, low bits first.
fn encode64(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let mut value = 0u32;
        for (i, &byte) in chunk.iter().enumerate() {
            value |= u32::from(byte) << (8 * i);
        }
        for i in 0..=chunk.len() {
            out.push(ITOA64[((value >> (6 * i)) & 0x3f) as usize]);
        }
    }
    out
}

/// `hash = md5(salt ‖ password)`, then 2^rounds times `hash = md5(hash ‖ password)`; the
/// checksum is `encode64(hash)` (22 characters), compared as text like phpass does.
pub(crate) fn verify(hasher: &Hasher, digest: &str, password: &str) -> Result<bool, VerifyError> {
    let d = parse(hasher, digest)?;
    limits::at_most(
        hasher,
        "phpass log2(rounds)",
        d.log2_rounds.into(),
        limits::MAX_PHPASS_LOG2_ROUNDS.into(),
    )?;
    let pw = password.as_bytes();
    let mut hash = Md5::new().chain_update(d.salt).chain_update(pw).finalize();
    for _ in 0..(1u64 << d.log2_rounds) {
        hash = Md5::new().chain_update(hash).chain_update(pw).finalize();
    }
    Ok(ct_eq(&encode64(&hash), d.checksum))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode64_matches_phpass_layout() {
        // 16 bytes → 22 characters, as in every phpass checksum.
        assert_eq!(encode64(&[0u8; 16]).len(), 22);
        assert_eq!(encode64(&[0xff, 0, 0]), b"z1..".to_vec());
    }

    #[test]
    fn wordpress_reference() {
        // phpass test vector (Openwall test.php): "test12345" with $P$9IQRaTwmf.
        let d = "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0";
        assert_eq!(verify(&Hasher::Phpass, d, "test12345"), Ok(true));
        assert_eq!(verify(&Hasher::Phpass, d, "test12346"), Ok(false));
        assert!(parse(&Hasher::Phpass, "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L").is_err());
        assert!(parse(&Hasher::Phpass, "$X$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0").is_err());
    }
}
