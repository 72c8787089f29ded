//! Random passwords for the `reset` policy.

use base64::Engine;

/// A random 32-character password (192 bits from the OS / `crypto.getRandomValues`), used when
/// `--unsupported-hash reset` imports a user whose hash the core cannot verify. Nobody knows it:
/// the user must reset their password.
pub fn random_password() -> String {
    let mut bytes = [0u8; 24];
    // Without a random source no safe password exists; an all-zero fallback would be a known
    // password, so fail loudly instead (this only happens on a broken platform).
    getrandom::fill(&mut bytes).expect("the platform's random source failed");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_long_and_differ() {
        let (a, b) = (super::random_password(), super::random_password());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }
}
