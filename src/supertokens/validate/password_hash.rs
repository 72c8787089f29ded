//! The emailpassword hash checks (spec §4.4 table, §6).
//!
//! The core checks a hash's format only when a valid `hashingAlgorithm` comes with it, on the
//! Java-trimmed hash, by prefix for bcrypt and argon2 and by a small grammar for firebase scrypt.

use crate::supertokens::java;

/// The algorithms `CoreConfig.PASSWORD_HASHING_ALG.valueOf(trim(alg).toUpperCase())` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HashingAlgorithm {
    Bcrypt,
    Argon2,
    FirebaseScrypt,
}

impl HashingAlgorithm {
    /// Parses a raw `hashingAlgorithm` value as the core does (trim, upper-case, exact name).
    pub fn parse(raw: &str) -> Option<Self> {
        // Java's case mapping, not ASCII-only: `fırebase_scrypt` (dotless i) is accepted too.
        match java::to_upper_case(java::trim(raw)).as_str() {
            "BCRYPT" => Some(Self::Bcrypt),
            "ARGON2" => Some(Self::Argon2),
            "FIREBASE_SCRYPT" => Some(Self::FirebaseScrypt),
            _ => None,
        }
    }

    /// The enum constant's name, which the core stores as the normalised value.
    pub fn name(self) -> &'static str {
        match self {
            Self::Bcrypt => "BCRYPT",
            Self::Argon2 => "ARGON2",
            Self::FirebaseScrypt => "FIREBASE_SCRYPT",
        }
    }

    /// Whether `trimmed_hash` has the format the core requires; `Err` is the core's message.
    ///
    /// Firebase scrypt is checked here for its grammar only; the signer-key crash is decided
    /// by the caller before, because it depends on the context.
    pub fn check_format(self, trimmed_hash: &str) -> Result<(), &'static str> {
        match self {
            Self::Bcrypt => ["$2a", "$2b", "$2x", "$2y"]
                .iter()
                .any(|p| trimmed_hash.starts_with(p))
                .then_some(())
                .ok_or("Password hash is in invalid BCrypt format"),
            Self::Argon2 => ["$argon2id", "$argon2i", "$argon2d"]
                .iter()
                .any(|p| trimmed_hash.starts_with(p))
                .then_some(())
                .ok_or("Password hash is in invalid Argon2 format"),
            Self::FirebaseScrypt => is_firebase_scrypt(trimmed_hash)
                .then_some(())
                .ok_or("Password hash is in invalid Firebase SCrypt format"),
        }
    }
}

/// The firebase scrypt grammar of spec §6.
fn is_firebase_scrypt(hash: &str) -> bool {
    let parts = java::split_dollar(hash);
    let [first, kind, _hash, _salt, p4, p5, p6] = parts.as_slice() else {
        return false;
    };
    if !first.is_empty() || *kind != "f_scrypt" {
        return false;
    }
    let (mut mem_cost, mut rounds, mut separator) = (None, None, None);
    for part in [p4, p5, p6] {
        if let Some(v) = marker_value(part, "m=") {
            mem_cost = Some(java::parse_int(v).is_some());
        } else if let Some(v) = marker_value(part, "r=") {
            rounds = Some(java::parse_int(v).is_some());
        } else if let Some(v) = marker_value(part, "s=") {
            separator = Some(!v.is_empty());
        }
    }
    mem_cost == Some(true) && rounds == Some(true) && separator == Some(true)
}

/// For a part starting with `marker`, the text after it up to the next `marker` (Java's
/// `part.split(marker)[1]`); an empty value stands for the core's exception or empty value.
fn marker_value<'a>(part: &'a str, marker: &str) -> Option<&'a str> {
    let after = part.strip_prefix(marker)?;
    Some(after.split(marker).next().unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCS_EXAMPLE: &str = "$f_scrypt$9Y8ICWcqbzmI42DxV1jpyEjbrJPG8EQ6nI6oC32JYz+/dd7aEjI/R7jG9P5kYh8v9gyqFKaXMDzMg7eLCypbOA==$/cj0jC1br5o4+w==$m=14$r=8$s=Bw==";

    #[test]
    fn algorithm_names_are_trimmed_and_upper_cased() {
        assert_eq!(
            HashingAlgorithm::parse(" bcrypt\n"),
            Some(HashingAlgorithm::Bcrypt)
        );
        assert_eq!(
            HashingAlgorithm::parse("Firebase_Scrypt"),
            Some(HashingAlgorithm::FirebaseScrypt)
        );
        assert_eq!(HashingAlgorithm::parse("argon2id"), None);
        assert_eq!(HashingAlgorithm::parse("\u{A0}bcrypt"), None);
    }

    #[test]
    fn prefixes() {
        let b = HashingAlgorithm::Bcrypt;
        assert!(b.check_format("$2a").is_ok());
        assert!(b.check_format("$2y$10$abc").is_ok());
        assert_eq!(
            b.check_format("$2c$"),
            Err("Password hash is in invalid BCrypt format")
        );
        let a = HashingAlgorithm::Argon2;
        assert!(a.check_format("$argon2id$v=19").is_ok());
        assert_eq!(
            a.check_format("argon2"),
            Err("Password hash is in invalid Argon2 format")
        );
    }

    #[test]
    fn firebase_grammar() {
        let f = |h: &str| HashingAlgorithm::FirebaseScrypt.check_format(h).is_ok();
        assert!(f(DOCS_EXAMPLE));
        assert!(f("$f_scrypt$$$s=a$r=+8$m=-1"));
        assert!(f("$f_scrypt$h$s$m=1m=x$r=8$s=a"));
        assert!(!f("$f_scrypt$h$s$m=14$r=8$s="));
        assert!(!f("$f_scrypt$h$s$m=14$r=8$x=1"));
        assert!(!f("$f_scrypt$h$s$m=x$r=8$s=a"));
        assert!(f("$f_scrypt$h$s$m=14$r=8$s=a$$")); // trailing empty parts are dropped
        assert!(!f("$f_scrypt$h$s$m=14$r=8$s=a$x"));
        assert!(!f("f_scrypt$h$s$m=14$r=8$s=a$"));
        assert!(!f("$scrypt$h$s$m=14$r=8$s=a"));
        assert!(!f("$f_scrypt$h$s$m=2147483648$r=8$s=a"));
    }
}
