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

use super::context::PUBLIC_TENANT;
use super::java;
use super::model::{BulkImportUser, RecipeId};
use super::normalised::{self, Recipe};
use super::phone;
use std::borrow::Cow;

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
        let identities = Identities::of_json(user, self.rule);
        self.observe_identities(&identities)
    }

    /// [`Preflight::observe`] for a typed user this crate wrote, without a JSON tree.
    pub fn observe_user(&mut self, user: &BulkImportUser<'_>) -> Vec<PreflightWarning> {
        let identities = Identities::of_user(user, self.rule);
        self.observe_identities(&identities)
    }

    fn observe_identities(&mut self, user: &Identities<'_>) -> Vec<PreflightWarning> {
        let position = self.position;
        self.position += 1;
        let mut warnings = Vec::new();
        self.external_id(user.external_user_id, position, &mut warnings);
        let mut e027_with: Vec<u64> = Vec::new();
        for method in &user.methods {
            let email = method.email.map(java::trim_lower);
            let phone = method.phone.map(|p| phone::normalise_phone_number(p).into_owned());
            for tenant in &method.tenants {
                let tenant: &str = tenant;
                match method.recipe {
                    Recipe::EmailPassword => {
                        if let Some(e) = &email {
                            let k = key(Kind::EmailPasswordEmail, &[tenant, e]);
                            self.unique(k, position, tenant, &mut warnings, || {
                                ("E003", format!("E003: A user with email {e} already exists in emailpassword loginMethod."))
                            });
                        }
                    }
                    Recipe::ThirdParty => {
                        if let Some((id, uid)) = method.third_party {
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
                        if let Some(p) = &phone {
                            let k = key(Kind::PasswordlessPhone, &[tenant, p]);
                            self.unique(k, position, tenant, &mut warnings, || {
                                ("E007", format!("E007: A user with phoneNumber {p} already exists in passwordless loginMethod."))
                            });
                        }
                    }
                }
                if user.primary {
                    let mut infos: Vec<Key> = Vec::with_capacity(3);
                    if let Some(e) = &email {
                        infos.push(key(Kind::PrimaryEmail, &[tenant, e]));
                    }
                    if let Some(p) = phone.as_ref().filter(|_| method.recipe == Recipe::Passwordless) {
                        infos.push(key(Kind::PrimaryPhone, &[tenant, p]));
                    }
                    if let Some((id, uid)) = method.third_party.filter(|_| method.recipe == Recipe::ThirdParty) {
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

    fn external_id(&mut self, raw: Option<&str>, position: u64, warnings: &mut Vec<PreflightWarning>) {
        let Some(raw) = raw else {
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

/// What the preflight reads of one user: its identities as the core normalises them, read
/// from JSON (any body) or from a typed user (the converter's), so both agree by construction.
struct Identities<'a> {
    external_user_id: Option<&'a str>,
    /// Whether the core makes this user a primary user (see [`PrimaryUserRule`]).
    primary: bool,
    methods: Vec<MethodIdentities<'a>>,
}

struct MethodIdentities<'a> {
    recipe: Recipe,
    /// Normalised tenant ids (`["public"]` by default).
    tenants: Vec<Cow<'a, str>>,
    /// Non-blank email, raw.
    email: Option<&'a str>,
    /// Non-blank `(thirdPartyId, thirdPartyUserId)`.
    third_party: Option<(&'a str, &'a str)>,
    /// Non-blank phone, raw.
    phone: Option<&'a str>,
}

impl<'a> Identities<'a> {
    fn of_json(user: &'a Value, rule: PrimaryUserRule) -> Self {
        let all = user.get("loginMethods").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        let primary = all.iter().any(normalised::is_primary) || (rule == PrimaryUserRule::Core11 && all.len() > 1);
        let methods = normalised::login_methods(user)
            .map(|(recipe, m)| MethodIdentities {
                recipe,
                tenants: normalised::tenant_ids(m),
                email: normalised::string_field(m, "email"),
                third_party: normalised::string_field(m, "thirdPartyId").zip(normalised::string_field(m, "thirdPartyUserId")),
                phone: normalised::string_field(m, "phoneNumber"),
            })
            .collect();
        Identities { external_user_id: normalised::string_field(user, "externalUserId"), primary, methods }
    }

    fn of_user(user: &'a BulkImportUser<'_>, rule: PrimaryUserRule) -> Self {
        let all = &user.login_methods;
        let primary = all.iter().any(|m| m.is_primary) || (rule == PrimaryUserRule::Core11 && all.len() > 1);
        let present = |s: &'a Option<Cow<'_, str>>| s.as_deref().filter(|s| !java::is_blank(s));
        let methods = all
            .iter()
            .map(|m| MethodIdentities {
                recipe: match m.recipe_id {
                    RecipeId::Emailpassword => Recipe::EmailPassword,
                    RecipeId::Thirdparty => Recipe::ThirdParty,
                    RecipeId::Passwordless => Recipe::Passwordless,
                },
                tenants: typed_tenants(&m.tenant_ids),
                email: present(&m.email),
                third_party: present(&m.third_party_id).zip(present(&m.third_party_user_id)),
                phone: present(&m.phone_number),
            })
            .collect();
        Identities { external_user_id: present(&user.external_user_id), primary, methods }
    }
}

/// [`normalised::tenant_ids`] for a typed list: empty (absent) is `["public"]`; a blank id makes
/// the whole list invalid to the core, so it too falls back to `["public"]`.
fn typed_tenants<'a>(ids: &'a [Cow<'_, str>]) -> Vec<Cow<'a, str>> {
    if ids.is_empty() || ids.iter().any(|t| java::is_blank(t)) {
        return vec![Cow::Borrowed(PUBLIC_TENANT)];
    }
    ids.iter()
        .map(|t| if t == PUBLIC_TENANT { Cow::Borrowed(PUBLIC_TENANT) } else { Cow::Owned(java::trim_lower(t)) })
        .collect()
}
