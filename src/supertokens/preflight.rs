//! Cross-import pre-checks (spec §7.4): conflicts the core only finds while processing, after
//! the users were staged, and reports as `E0xx` failures per user or per chunk (§7.3).
//!
//! [`Preflight::observe`] is called once per user, over all batches, in submission order. The
//! first user with a given identity is fine; each later one gets a [`PreflightWarning`] with
//! the code and text the core would use and the position of the earlier user.
//!
//! **Memory.** Identities go to a [`Sightings`]: a Bloom filter of about 2 bytes per identity,
//! and a log of 24 bytes per identity that the host may keep on disk. A warning is certain
//! only after the log was replayed, so most come from [`Preflight::resolve`] at the end.
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
use std::collections::HashSet;
use std::hash::BuildHasherDefault;

use super::context::PUBLIC_TENANT;
use super::java;
use super::model::{BulkImportUser, RecipeId};
use super::normalised::{self, Recipe};
use super::phone;
use crate::sightings::{Key, KeyHasher, KeyKind as Kind, Settled, Sightings};
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

type KeySet = HashSet<Key, BuildHasherDefault<KeyHasher>>;

/// Which earlier holder of a key makes a conflict.
#[derive(Clone, Copy)]
enum Conflict {
    /// Any earlier login method, this user's own included (the core inserts each method);
    /// `repeat` when this user already holds the key in an earlier method.
    AnyEarlierMethod { repeat: bool },
    /// Only an earlier *user* (E027 and E031).
    EarlierUser,
}

/// A key the filter may have seen before: its warning, if the replay confirms it.
struct Suspect {
    key: Key,
    conflict: Conflict,
    warning: PreflightWarning,
}

/// The cross-import checker of spec §7.4, in bounded memory (see [`crate::sightings`]).
///
/// [`Preflight::observe_user`] records each user's identities in a [`Sightings`]; most
/// conflicts can only be named after [`Sightings`] replayed its log, so the warnings come from
/// [`Preflight::resolve`], in the order of the users, once per replay.
#[derive(Default)]
pub struct Preflight {
    rule: PrimaryUserRule,
    existing_external_ids: KeySet,
    position: u64,
    suspects: Vec<Suspect>,
    /// The keys of the user being observed, to tell a repeat within one user.
    user_keys: KeySet,
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
            self.existing_external_ids.insert(Key::of(Kind::ExternalUserId, &[java::trim(id.as_ref())]));
        }
        self
    }

    /// How many users were observed.
    pub fn users_seen(&self) -> u64 {
        self.position
    }

    /// How many possible conflicts wait for [`Preflight::resolve`].
    pub fn pending(&self) -> usize {
        self.suspects.len()
    }

    /// Records the next user of the import. Returns the warnings known at once (an external
    /// id that exists in the core); the others come from [`Preflight::resolve`].
    pub fn observe(&mut self, user: &Value, sightings: &mut Sightings) -> Vec<PreflightWarning> {
        let identities = Identities::of_json(user, self.rule);
        self.observe_identities(&identities, sightings)
    }

    /// [`Preflight::observe`] for a typed user this crate wrote, without a JSON tree.
    pub fn observe_user(&mut self, user: &BulkImportUser<'_>, sightings: &mut Sightings) -> Vec<PreflightWarning> {
        let identities = Identities::of_user(user, self.rule);
        self.observe_identities(&identities, sightings)
    }

    /// The confirmed warnings of every user observed before `settled`'s replay began, in the
    /// order of the users; false positives of the filter are dropped here.
    pub fn resolve(&mut self, settled: &Settled) -> Vec<PreflightWarning> {
        let mut warnings = Vec::new();
        let mut e027_with: Vec<(u64, u64)> = Vec::new();
        for s in std::mem::take(&mut self.suspects) {
            let Some(earliest) = settled.earliest(&s.key) else { continue };
            let own = s.warning.position;
            let confirmed = match s.conflict {
                Conflict::AnyEarlierMethod { repeat } => earliest < own || repeat,
                Conflict::EarlierUser => earliest < own,
            };
            if !confirmed {
                continue;
            }
            if s.warning.code == "E027" {
                if e027_with.contains(&(own, earliest)) {
                    continue;
                }
                e027_with.retain(|&(p, _)| p == own);
                e027_with.push((own, earliest));
            }
            warnings.push(PreflightWarning { earlier_position: Some(earliest), ..s.warning });
        }
        warnings
    }

    /// Settles everything observed, for a caller holding the whole import in memory with the
    /// log kept inside `sightings`: replays it and returns [`Preflight::resolve`]'s warnings.
    pub fn finish(&mut self, sightings: &mut Sightings) -> Vec<PreflightWarning> {
        if !sightings.replay_needed() {
            return Vec::new(); // every suspect asks the replay about its key: there is none
        }
        self.resolve(&sightings.settle_kept())
    }

    fn observe_identities(&mut self, user: &Identities<'_>, sightings: &mut Sightings) -> Vec<PreflightWarning> {
        let position = self.position;
        self.position += 1;
        self.user_keys.clear();
        let mut warnings = Vec::new();
        self.external_id(user.external_user_id, position, sightings, &mut warnings);
        for method in &user.methods {
            let email = method.email.map(java::trim_lower);
            let phone = method.phone.map(|p| phone::normalise_phone_number(p).into_owned());
            for tenant in &method.tenants {
                let tenant: &str = tenant;
                let warning = |code: &'static str, message: String| PreflightWarning {
                    code,
                    message,
                    position,
                    earlier_position: None,
                    tenant: Some(tenant.to_owned()),
                };
                match method.recipe {
                    Recipe::EmailPassword => {
                        if let Some(e) = &email {
                            let k = Key::of(Kind::EmailPasswordEmail, &[tenant, e]);
                            self.unique(k, position, sightings, || {
                                warning("E003", format!("E003: A user with email {e} already exists in emailpassword loginMethod."))
                            });
                        }
                    }
                    Recipe::ThirdParty => {
                        if let Some((id, uid)) = method.third_party {
                            let k = Key::of(Kind::ThirdParty, &[tenant, id, uid]);
                            self.unique(k, position, sightings, || {
                                warning("E005", format!("E005: A user with thirdPartyId {id} and thirdPartyUserId {uid} already exists in thirdparty loginMethod."))
                            });
                        }
                    }
                    Recipe::Passwordless => {
                        if let Some(e) = &email {
                            let k = Key::of(Kind::PasswordlessEmail, &[tenant, e]);
                            self.unique(k, position, sightings, || {
                                warning("E006", format!("E006: A user with email {e} already exists in passwordless loginMethod."))
                            });
                        }
                        if let Some(p) = &phone {
                            let k = Key::of(Kind::PasswordlessPhone, &[tenant, p]);
                            self.unique(k, position, sightings, || {
                                warning("E007", format!("E007: A user with phoneNumber {p} already exists in passwordless loginMethod."))
                            });
                        }
                    }
                }
                if user.primary {
                    let mut infos: Vec<Key> = Vec::with_capacity(3);
                    if let Some(e) = &email {
                        infos.push(Key::of(Kind::PrimaryEmail, &[tenant, e]));
                    }
                    if let Some(p) = phone.as_ref().filter(|_| method.recipe == Recipe::Passwordless) {
                        infos.push(Key::of(Kind::PrimaryPhone, &[tenant, p]));
                    }
                    if let Some((id, uid)) = method.third_party.filter(|_| method.recipe == Recipe::ThirdParty) {
                        infos.push(Key::of(Kind::PrimaryThirdParty, &[tenant, id, uid]));
                    }
                    for k in infos {
                        self.earlier_user(k, position, sightings, || {
                            warning("E027", "E027: there is a conflicting account info".to_owned())
                        });
                    }
                }
            }
        }
        warnings
    }

    fn external_id(&mut self, raw: Option<&str>, position: u64, sightings: &mut Sightings, warnings: &mut Vec<PreflightWarning>) {
        let Some(raw) = raw else {
            return;
        };
        let id = java::trim(raw);
        let k = Key::of(Kind::ExternalUserId, &[id]);
        let warning = || PreflightWarning {
            code: "E031",
            message: format!("E031: A user with externalId {id} already exists"),
            position,
            earlier_position: None,
            tenant: None,
        };
        if self.existing_external_ids.contains(&k) {
            warnings.push(warning());
            return;
        }
        self.earlier_user(k, position, sightings, warning);
    }

    /// Records `k` for this user; a conflict when an earlier method (of any user, this one
    /// included: the core inserts each login method) already holds it.
    fn unique(&mut self, k: Key, position: u64, sightings: &mut Sightings, warning: impl FnOnce() -> PreflightWarning) {
        let repeat = !self.user_keys.insert(k);
        let suspect = if repeat {
            // The user's first method with the key logged it; the replay finds who came first.
            sightings.suspect(k);
            true
        } else {
            sightings.sight(k, position)
        };
        if suspect {
            self.suspects.push(Suspect { key: k, conflict: Conflict::AnyEarlierMethod { repeat }, warning: warning() });
        }
    }

    /// Records `k` for this user; a conflict only when an earlier *user* holds it. A repeat
    /// within the user adds nothing: its first sighting already names any earlier user.
    fn earlier_user(&mut self, k: Key, position: u64, sightings: &mut Sightings, warning: impl FnOnce() -> PreflightWarning) {
        if self.user_keys.insert(k) && sightings.sight(k, position) {
            self.suspects.push(Suspect { key: k, conflict: Conflict::EarlierUser, warning: warning() });
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
