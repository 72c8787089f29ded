//! The catalogue of Clerk `password_hasher` values (spec/clerk-exports.md §8.1).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A Clerk password hasher. Clerk types the field as a free string and the set keeps growing,
/// so unknown names are kept verbatim in [`Hasher::Other`] rather than refused.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Hasher {
    /// `argon2i`, PHC string.
    Argon2i,
    /// `argon2id`, PHC string.
    Argon2id,
    /// `awscognito`: a migration pointer, not a hash.
    AwsCognito,
    /// `bcrypt`, `$2a$`/`$2b$`/`$2y$`.
    Bcrypt,
    /// `bcrypt_peppered` (Devise): bcrypt over password + pepper, pepper appended to the digest.
    BcryptPeppered,
    /// `bcrypt_sha256_django`: bcrypt over the hex SHA-256 of the password.
    BcryptSha256Django,
    /// `hmac_sha256_utf16_b64`.
    HmacSha256Utf16B64,
    /// `ldap_ssha`: `{SSHA}` + base64(sha1(password + salt) + salt).
    LdapSsha,
    /// `md5`, 32 hex chars.
    Md5,
    /// `md5_phpass`: phpass portable MD5.
    Md5Phpass,
    /// `md5_salted`: `salt$hash`.
    Md5Salted,
    /// `pbkdf2_sha1`.
    Pbkdf2Sha1,
    /// `pbkdf2_sha256`: salt and hash base64.
    Pbkdf2Sha256,
    /// `pbkdf2_sha256_django`: salt un-encoded, hash base64.
    Pbkdf2Sha256Django,
    /// `pbkdf2_sha512`: salt literal, hash hex.
    Pbkdf2Sha512,
    /// `pbkdf2_sha512_hex`: salt and hash hex.
    Pbkdf2Sha512Hex,
    /// `phpass`: `$P$…`.
    Phpass,
    /// `scrypt_firebase`: six `$`-separated parts, convertible to the core's `$f_scrypt$`.
    ScryptFirebase,
    /// `scrypt_werkzeug`: `scrypt:N:r:p$salt$hash`.
    ScryptWerkzeug,
    /// `sha256`, 64 hex chars.
    Sha256,
    /// `sha256_salted`: `salt$hash` or `hash$salt`.
    Sha256Salted,
    /// `sha512_symfony`: `sha512_symfony$iterations$salt$hash`.
    Sha512Symfony,
    /// A name this tool does not know.
    Other(String),
}

/// Every known hasher with its Clerk name, in the spec's order.
pub const KNOWN_HASHERS: [(&str, Hasher); 22] = [
    ("argon2i", Hasher::Argon2i),
    ("argon2id", Hasher::Argon2id),
    ("awscognito", Hasher::AwsCognito),
    ("bcrypt", Hasher::Bcrypt),
    ("bcrypt_peppered", Hasher::BcryptPeppered),
    ("bcrypt_sha256_django", Hasher::BcryptSha256Django),
    ("hmac_sha256_utf16_b64", Hasher::HmacSha256Utf16B64),
    ("ldap_ssha", Hasher::LdapSsha),
    ("md5", Hasher::Md5),
    ("md5_phpass", Hasher::Md5Phpass),
    ("md5_salted", Hasher::Md5Salted),
    ("pbkdf2_sha1", Hasher::Pbkdf2Sha1),
    ("pbkdf2_sha256", Hasher::Pbkdf2Sha256),
    ("pbkdf2_sha256_django", Hasher::Pbkdf2Sha256Django),
    ("pbkdf2_sha512", Hasher::Pbkdf2Sha512),
    ("pbkdf2_sha512_hex", Hasher::Pbkdf2Sha512Hex),
    ("phpass", Hasher::Phpass),
    ("scrypt_firebase", Hasher::ScryptFirebase),
    ("scrypt_werkzeug", Hasher::ScryptWerkzeug),
    ("sha256", Hasher::Sha256),
    ("sha256_salted", Hasher::Sha256Salted),
    ("sha512_symfony", Hasher::Sha512Symfony),
];

/// How the SuperTokens core can take a user's password hash (spec/supertokens-bulk-import.md §4.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoreSupport {
    /// The digest is stored as-is with this `hashingAlgorithm`.
    Direct(&'static str),
    /// The digest must be rewritten first (`scrypt_firebase` → `$f_scrypt$…`, `firebase_scrypt`).
    Convert(&'static str),
    /// The core cannot verify it: lazy migration, reset or rejection.
    Unsupported,
}

impl Hasher {
    /// Reads a Clerk hasher name. Surrounding ASCII whitespace is ignored; case matters, as in
    /// Clerk's API.
    pub fn parse(name: &str) -> Hasher {
        let name = name.trim_matches(|c: char| c.is_ascii_whitespace());
        KNOWN_HASHERS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, h)| h.clone())
            .unwrap_or_else(|| Hasher::Other(name.to_string()))
    }

    /// The Clerk name of this hasher.
    pub fn name(&self) -> &str {
        match self {
            Hasher::Other(s) => s,
            known => {
                KNOWN_HASHERS.iter().find(|(_, h)| h == known).map(|(n, _)| *n).unwrap_or("unknown")
            }
        }
    }

    /// The name as it may appear in a message for a person. An unknown name is repeated only if
    /// it looks like a hasher name (at most 40 ASCII letters, digits, `_` or `-`): a mis-mapped
    /// column could put a digest into the hasher cell, and messages must never repeat a digest
    /// (spec/clerk-exports.md §8.2; report.rs).
    pub fn name_for_messages(&self) -> String {
        let name = self.name();
        let plain = name.len() <= 40
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if plain {
            name.to_string()
        } else {
            format!("<unrecognised hasher name of {} characters>", name.chars().count())
        }
    }

    /// Whether and how the core can verify this hasher's digests.
    pub fn core_support(&self) -> CoreSupport {
        match self {
            Hasher::Bcrypt => CoreSupport::Direct("bcrypt"),
            Hasher::Argon2i | Hasher::Argon2id => CoreSupport::Direct("argon2"),
            Hasher::ScryptFirebase => CoreSupport::Convert("firebase_scrypt"),
            _ => CoreSupport::Unsupported,
        }
    }
}

impl fmt::Display for Hasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Hasher {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Hasher {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        Ok(Hasher::parse(&s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_name_round_trips() {
        for (name, h) in KNOWN_HASHERS.iter() {
            assert_eq!(&Hasher::parse(name), h);
            assert_eq!(h.name(), *name);
        }
        assert_eq!(Hasher::parse(" bcrypt "), Hasher::Bcrypt);
        assert_eq!(Hasher::parse("BCRYPT"), Hasher::Other("BCRYPT".into()));
        assert_eq!(Hasher::parse("whirlpool").name(), "whirlpool");
    }

    #[test]
    fn only_bcrypt_argon2_and_firebase_reach_the_core() {
        assert_eq!(Hasher::Bcrypt.core_support(), CoreSupport::Direct("bcrypt"));
        assert_eq!(Hasher::Argon2id.core_support(), CoreSupport::Direct("argon2"));
        assert_eq!(Hasher::ScryptFirebase.core_support(), CoreSupport::Convert("firebase_scrypt"));
        assert_eq!(Hasher::Md5.core_support(), CoreSupport::Unsupported);
        assert_eq!(Hasher::Other("x".into()).core_support(), CoreSupport::Unsupported);
    }
}
