//! Password hashers: recognise Clerk's hasher names, and decide how the core can take a digest.

mod hasher;

pub use hasher::{CoreSupport, Hasher, KNOWN_HASHERS};

mod random;
pub use random::random_password;
