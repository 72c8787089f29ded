//! Cross-import pre-checks (spec §7.4): conflicts the core only finds while processing, after
//! the users were staged, and reports as `E0xx` failures per user or per chunk (§7.3).
//!
//! [`Preflight::observe`] is called once per user, over all batches, in submission order. The
//! first user with a given identity is fine; each later one gets a [`PreflightWarning`] with
//! the code and text the core would use and the position of the earlier user.
//!
//! **Memory.** Identities are stored as 128-bit XXH3 hashes of their normalised form (with a
//! fixed seed, so runs are reproducible), plus the position of the first user: about 40 bytes
//! per identity, whatever the string lengths. Two different identities collide with
//! probability about n²/2¹²⁹: for 10⁸ identities, below 10⁻²². A collision would only add a
//! false warning; it never hides a real conflict.
//!
//! **Primary users (E027).** The core reserves account info (email, phone, third-party
//! identity) per tenant for *primary* users only. On core 12.x a user is primary when one of
//! its methods has `isPrimary: true`; several methods without it are imported as separate,
//! unlinked recipe users, which are not primary and reserve nothing (§8). On 10.1.3–11.x a
//! user with more than one method is linked as well: choose [`PrimaryUserRule::Core11`]. The
//! check is per login method: a method's account info on that method's tenants, which is how
//! the core looks up "another primary user with this info in this tenant".

use serde::Serialize;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hash, Hasher};
use xxhash_rust::xxh3::Xxh3;

use super::java;
use super::normalised::{self, Recipe};
use super::phone;

/// Which users the core makes primary, and so checks for E027 (module docs).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PrimaryUserRule {
    /// Core 12.x: a user with an `isPrimary: true` method.
    #[default]
    Core12,
    /// Core 10.1.3–11.x: that, or a user with more than one login method.
    Core11,
}

/// A conflict the core would report while processing the import (spec §7.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PreflightWarning {
    /// The core's code: `E003`, `E005`, `E006`, `E007`, `E027` or `E031`.
    pub code: &'static str,
    /// The core's text for it, with this user's values.
    pub message: String,
    /// 0-based position of this user over the whole import.
    pub position: u64,
    /// Position of the earlier user holding the identity; `None` for an external id that
    /// already exists in the core.
    pub earlier_position: Option<u64>,
    /// The tenant the conflict is on (normalised), when it is per tenant.
    pub tenant: Option<String>,
}

/// A 128-bit hash of a normalised identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Key(u64, u64);

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.0);
    }
}

/// Keys are already uniform hashes: the map uses their bits as they are.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type KeyMap<V> = HashMap<Key, V, BuildHasherDefault<KeyHasher>>;
type KeySet = HashSet<Key, BuildHasherDefault<KeyHasher>>;

/// Identity kinds, hashed in first so equal strings of different kinds never meet.
#[derive(Clone, Copy)]
#[repr(u8)]
enum Kind {
    EmailPasswordEmail = 1,
    ThirdParty = 2,
    PasswordlessEmail = 3,
    PasswordlessPhone = 4,
    PrimaryEmail = 5,
    PrimaryPhone = 6,
    PrimaryThirdParty = 7,
    ExternalUserId = 8,
}

const SEED: u64 = 0x5eed_c1e7_0000_0001;

fn key(kind: Kind, parts: &[&str]) -> Key {
    let mut h = Xxh3::with_seed(SEED);
    h.update(&[kind as u8]);
    for p in parts {
        h.update(p.as_bytes());
        h.update(&[0xFF]); // never in UTF-8: parts cannot run into each other
    }
    let v = h.digest128();
    Key(v as u64, (v >> 64) as u64)
}

/// The streaming cross-import checker of spec §7.4.
#[derive(Default)]
pub struct Preflight {
    rule: PrimaryUserRule,
    first_owner: KeyMap<u64>,
    existing_external_ids: KeySet,
    position: u64,
}

impl Preflight {
    /// A checker for a new import, with the core 12.x primary-user rule.
    pub fn new() -> Self {
        Preflight::default()
    }

    /// Uses `rule` to decide which users are primary (E027).
    pub fn with_primary_rule(mut self, rule: PrimaryUserRule) -> Self {
        self.rule = rule;
        self
    }

    /// External ids already mapped in the core (E031): each is Java-trimmed.
    pub fn with_existing_external_ids<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for id in ids {
            self.existing_external_ids
                .insert(key(Kind::ExternalUserId, &[java::trim(id.as_ref())]));
        }
        self
    }

    /// How many users were observed.
    pub fn users_seen(&self) -> u64 {
        self.position
    }

    /// Checks the next user of the import against all earlier ones; returns its warnings.
    pub fn observe(&mut self, user: &Value) -> Vec<PreflightWarning> {
        let position = self.position;
        self.position += 1;
        let mut warnings = Vec::new();
        self.external_id(user, position, &mut warnings);
        let primary = self.is_primary_user(user);
        let mut e027_with: Vec<u64> = Vec::new();
        for (recipe, method) in normalised::login_methods(user) {
            let tenants = normalised::tenant_ids(method);
            let email = normalised::string_field(method, "email").map(java::trim_lower);
            for tenant in &tenants {
                let tenant: &str = tenant;
                match recipe {
                    Recipe::EmailPassword => {
                        if let Some(e) = &email {
                            let k = key(Kind::EmailPasswordEmail, &[tenant, e]);
                            self.unique(k, position, tenant, &mut warnings, || {
                                ("E003", format!("E003: A user with email {e} already exists in emailpassword loginMethod."))
                            });
                        }
                    }
                    Recipe::ThirdParty => {
                        if let Some((id, uid)) = third_party(method) {
                            let k = key(Kind::ThirdParty, &[tenant, id, uid]);
                            self.unique(k, position, tenant, &mut warnings, || {
                                ("E005", format!("E005: A user with thirdPartyId {id} and thirdPartyUserId {uid} already exists in thirdparty loginMethod."))
                            });
                        }
                    }
                    Recipe::Passwordless => {
                        if let Some(e) = &email {
                            let k = key(Kind::PasswordlessEmail, &[tenant, e]);
                            self.unique(k, position, tenant, &mut warnings, || {
                                ("E006", format!("E006: A user with email {e} already exists in passwordless loginMethod."))
                            });
                        }
                        if let Some(p) = phone_number(method) {
                            let k = key(Kind::PasswordlessPhone, &[tenant, &p]);
                            self.unique(k, position, tenant, &mut warnings, || {
                                ("E007", format!("E007: A user with phoneNumber {p} already exists in passwordless loginMethod."))
                            });
                        }
                    }
                }
                if primary {
                    let mut infos: Vec<Key> = Vec::with_capacity(3);
                    if let Some(e) = &email {
                        infos.push(key(Kind::PrimaryEmail, &[tenant, e]));
                    }
                    if recipe == Recipe::Passwordless {
                        if let Some(p) = phone_number(method) {
                            infos.push(key(Kind::PrimaryPhone, &[tenant, &p]));
                        }
                    }
                    if let Some((id, uid)) =
                        third_party(method).filter(|_| recipe == Recipe::ThirdParty)
                    {
                        infos.push(key(Kind::PrimaryThirdParty, &[tenant, id, uid]));
                    }
                    for k in infos {
                        let owner = *self.first_owner.entry(k).or_insert(position);
                        if owner != position && !e027_with.contains(&owner) {
                            e027_with.push(owner);
                            warnings.push(PreflightWarning {
                                code: "E027",
                                message: "E027: there is a conflicting account info".to_owned(),
                                position,
                                earlier_position: Some(owner),
                                tenant: Some(tenant.to_owned()),
                            });
                        }
                    }
                }
            }
        }
        warnings
    }

    fn is_primary_user(&self, user: &Value) -> bool {
        let methods = user.get("loginMethods").and_then(Value::as_array);
        let methods = methods.map(Vec::as_slice).unwrap_or_default();
        methods.iter().any(normalised::is_primary)
            || (self.rule == PrimaryUserRule::Core11 && methods.len() > 1)
    }

    fn external_id(&mut self, user: &Value, position: u64, warnings: &mut Vec<PreflightWarning>) {
        let Some(raw) = normalised::string_field(user, "externalUserId") else {
            return;
        };
        let id = java::trim(raw);
        let k = key(Kind::ExternalUserId, &[id]);
        let message = || format!("E031: A user with externalId {id} already exists");
        if self.existing_external_ids.contains(&k) {
            warnings.push(PreflightWarning {
                code: "E031",
                message: message(),
                position,
                earlier_position: None,
                tenant: None,
            });
            return;
        }
        let owner = *self.first_owner.entry(k).or_insert(position);
        if owner != position {
            warnings.push(PreflightWarning {
                code: "E031",
                message: message(),
                position,
                earlier_position: Some(owner),
                tenant: None,
            });
        }
    }

    /// Records `k` for this user; warns when an earlier method (of any user, this one
    /// included: the core inserts each login method) already holds it.
    fn unique(
        &mut self,
        k: Key,
        position: u64,
        tenant: &str,
        warnings: &mut Vec<PreflightWarning>,
        message: impl FnOnce() -> (&'static str, String),
    ) {
        use std::collections::hash_map::Entry;
        match self.first_owner.entry(k) {
            Entry::Vacant(v) => {
                v.insert(position);
            }
            Entry::Occupied(o) => {
                let (code, message) = message();
                warnings.push(PreflightWarning {
                    code,
                    message,
                    position,
                    earlier_position: Some(*o.get()),
                    tenant: Some(tenant.to_owned()),
                });
            }
        }
    }
}

fn third_party(method: &Value) -> Option<(&str, &str)> {
    Some((
        normalised::string_field(method, "thirdPartyId")?,
        normalised::string_field(method, "thirdPartyUserId")?,
    ))
}

fn phone_number(method: &Value) -> Option<String> {
    normalised::string_field(method, "phoneNumber")
        .map(|p| phone::normalise_phone_number(p).into_owned())
}
