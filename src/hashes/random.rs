//! Random passwords for the "reset" policy: users whose digest the core cannot take get an
//! unguessable password, so the account exists but can only be entered after a reset
//! (spec/supertokens-bulk-import.md §11).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// 32 characters of base64url (24 bytes, 192 bits) from the operating system's random source
/// (`crypto.getRandomValues` under wasm, see `.cargo/config.toml`).
///
/// # Panics
/// Only if the platform has no random source at all; it never depends on input. Returning a
/// weaker password in that case would be worse than stopping.
pub fn random_password() -> String {
    let mut bytes = [0u8; 24];
    if let Err(e) = getrandom::fill(&mut bytes) {
        panic!("no random source available for random_password: {e}");
    }
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirty_two_url_safe_characters_each_time_new() {
        let (a, b) = (random_password(), random_password());
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        assert_ne!(a, b);
    }
}
