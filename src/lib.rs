//! clerk-to-supertokens: Clerk user exports in, SuperTokens bulk-import batches out.
//!
//! The crate is a pure Rust core with no wasm types in it. `wasm.rs`, compiled only for
//! `wasm32`, is a thin binding over it; everything else is tested natively.
//!
//! Data flow (DESIGN.md): bytes → [`clerk`] readers → [`ClerkUser`] → [`convert`] →
//! [`supertokens`] validation and preflight → batches of at most 10 000 users + a report in
//! which every input record is accounted for.

#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod clerk;
pub mod convert;
pub mod hashes;
pub mod join;
pub mod lazy;
pub mod options;
pub mod pipeline;
pub mod report;
pub mod sightings;
pub mod supertokens;

pub use clerk::ClerkUser;
pub use options::Options;
pub use report::{Diagnostic, DiagnosticCode, Location, Severity, Summary};

#[cfg(target_arch = "wasm32")]
mod wasm;
