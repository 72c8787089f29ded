//! Password hashers: recognise Clerk's hasher names and digest formats, decide how the core can
//! take a digest, convert Firebase scrypt digests, and verify passwords for every Clerk hasher
//! (spec/clerk-exports.md §8; spec/supertokens-bulk-import.md §4.4, §6).

mod argon2_phc;
mod bcrypt_family;
mod digests;
mod encoding;
mod firebase;
mod format;
mod hasher;
pub mod limits;
mod pbkdf2_family;
mod phpass;
mod random;
mod verify;
mod werkzeug;

pub use firebase::{
    convert_clerk_firebase, parse_core_firebase, CoreFirebaseHash, FirebaseConversion, CORE_PREFIX,
};
pub use format::{check_digest, DigestProblem};
pub use hasher::{CoreSupport, Hasher, KNOWN_HASHERS};
pub use random::random_password;
pub use verify::{verify_password, VerifyError, VerifyRequest};
