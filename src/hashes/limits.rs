//! Upper bounds on the cost parameters that a digest may ask for.
//!
//! A digest is untrusted input that names its own work factor: `$2a$31$…` asks for 2³¹ bcrypt
//! rounds, `scrypt:1073741824:8:1$…` for 1 TiB of memory. [`verify_password`] refuses such a
//! digest with the `cost-too-high` error instead of hanging the page's worker or running out of
//! wasm memory (4 GiB at most, usually far less). Every bound sits well above what the producing
//! systems use by default, so a real export does not hit them:
//!
//! | Parameter | Bound | Typical values in the wild |
//! |---|---|---|
//! | bcrypt cost | 16 (~5 s natively) | 10 in Clerk (spec/clerk-exports.md §2.8); the Clerk CLI allows ≤ 15 |
//! | PBKDF2 iterations | 10 000 000 | Django 5: 1 000 000; Clerk caps `pbkdf2_sha512` below 420 000 (§8.2) |
//! | PBKDF2 / scrypt / Argon2 output | 16 to 1 024 bytes (a lower bound too: the digest picks its own length) | 20–64; Clerk: key length < 1 024 bytes (§8.2) |
//! | Symfony iterations | 10 000 000 | 5 000 (Symfony's default) |
//! | phpass rounds | 2²⁴ | 2⁸ (WordPress), 2¹¹ (phpBB) |
//! | scrypt N | 2²⁰, and 128·N·r ≤ 256 MiB, p ≤ 16 | Firebase 2¹⁴/r 8 (16 MiB), Werkzeug 2¹⁵/r 8 (32 MiB) |
//! | Argon2 memory | 256 MiB (262 144 KiB), t ≤ 32, p ≤ 16 | 4–64 MiB, t 2–4 |
//! | digest length | 4 096 bytes | < 200; Clerk caps salts below 1 024 bytes (§8.2) |
//!
//! [`verify_password`]: super::verify_password

use super::verify::VerifyError;
use super::Hasher;

/// Highest bcrypt cost (log₂ of the rounds) that will be verified.
pub const MAX_BCRYPT_COST: u32 = 16;
/// Highest PBKDF2 iteration count that will be verified.
pub const MAX_PBKDF2_ITERATIONS: u64 = 10_000_000;
/// Shortest stored hash, in bytes, accepted from a key-derivation digest (PBKDF2, scrypt,
/// Argon2, the Firebase signer key). Those formats let the digest choose its own output length,
/// and a 1-byte hash would accept one password in 256.
pub const MIN_OUTPUT_BYTES: usize = 16;
/// Longest derived key or stored hash, in bytes, that will be computed.
pub const MAX_OUTPUT_BYTES: usize = 1024;
/// Highest Symfony `MessageDigestPasswordEncoder` iteration count that will be verified.
pub const MAX_SYMFONY_ITERATIONS: u64 = 10_000_000;
/// Highest phpass log₂ round count that will be verified (phpass itself allows up to 30).
pub const MAX_PHPASS_LOG2_ROUNDS: u32 = 24;
/// Highest scrypt log₂ N that will be verified.
pub const MAX_SCRYPT_LOG_N: u32 = 20;
/// Most memory scrypt may use (128·N·r bytes).
pub const MAX_SCRYPT_MEMORY_BYTES: u64 = 256 * 1024 * 1024;
/// Highest scrypt parallelism p (the work grows linearly with it).
pub const MAX_SCRYPT_P: u32 = 16;
/// Most memory Argon2 may use, in KiB.
pub const MAX_ARGON2_MEMORY_KIB: u32 = 262_144;
/// Highest Argon2 pass count t.
pub const MAX_ARGON2_PASSES: u32 = 32;
/// Highest Argon2 parallelism p.
pub const MAX_ARGON2_LANES: u32 = 16;
/// Longest digest, in bytes, that will be parsed at all.
pub const MAX_DIGEST_BYTES: usize = 4096;

/// Refuses `value` above `limit` for the named cost `parameter`.
pub(crate) fn at_most(
    hasher: &Hasher,
    parameter: &'static str,
    value: u64,
    limit: u64,
) -> Result<(), VerifyError> {
    if value > limit {
        Err(VerifyError::CostTooHigh { hasher: hasher.name_for_messages(), parameter, limit })
    } else {
        Ok(())
    }
}

/// Checks scrypt's three parameters against the bounds above.
pub(crate) fn scrypt(hasher: &Hasher, log_n: u32, r: u32, p: u32) -> Result<(), VerifyError> {
    at_most(hasher, "scrypt log2(N)", log_n.into(), MAX_SCRYPT_LOG_N.into())?;
    at_most(hasher, "scrypt p", p.into(), MAX_SCRYPT_P.into())?;
    // log_n ≤ 20 here, so the shift cannot overflow; r is at most u32::MAX.
    let memory = 128u64.saturating_mul(1u64 << log_n).saturating_mul(r.into());
    at_most(hasher, "scrypt memory (128·N·r bytes)", memory, MAX_SCRYPT_MEMORY_BYTES)
}
