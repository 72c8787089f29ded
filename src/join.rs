//! The join of a main export with Backend API users (spec/clerk-exports.md §1, "Practical
//! consequence"): the Dashboard CSV has password digests and TOTP secrets; the Backend API has
//! metadata, external accounts, `external_id`, `created_at`, bans and verification. Callers
//! join the two by Clerk user id.
//!
//! # Memory
//!
//! API users are held until their main-input record arrives, so this is the one place whose
//! memory grows with the number of users. Each is kept as the compact JSON of its normalised
//! [`ClerkUser`] (one allocation, no pretty-printing, empty fields left out) plus its id once
//! more as the index key: typically 300–700 bytes for a Backend API user with one email and
//! small metadata, plus about 80 bytes of map overhead — roughly 0.5–1 GB per million users.
//! A user's JSON is freed as soon as it joins, and re-parsed (borrowing) only then.
//!
//! # Merge rules ([`merge`])
//!
//! - **Password and TOTP secret:** from the main input (the only export that has them, §2.8);
//!   from the API side only when the main side has none.
//! - **Emails and phones:** the union. API identifiers come first, in API order, with the API's
//!   verification status, which wins for an identifier on both sides (§5.4 records it per
//!   identifier; the CSV's status is inferred from lists, §2.6). Emails compare
//!   case-insensitively, phones exactly. Main-only identifiers follow, with their own status.
//!   The API's primary wins; the main input's primary is used only when the API names none.
//! - **Everything else** (`external_id`, names, username, image, the three metadata objects,
//!   `created_at`, external accounts): the API's value when it has one, else the main input's.
//! - **Banned / locked:** either side saying so is enough.

use crate::clerk::{ClerkUser, Identifier};
use crate::report::Location;
use std::collections::HashMap;

/// A held API user: where it came from, and its compact JSON.
#[derive(Debug)]
pub struct HeldUser {
    /// 1-based number of the API file it was read from.
    pub file: u32,
    /// Its record and line in that file.
    pub at: Location,
    /// `serde_json` of the normalised [`ClerkUser`].
    pub json: Box<str>,
}

impl HeldUser {
    /// The user, borrowing from the held JSON. `None` only if the JSON no longer reads back,
    /// which would be a bug in `ClerkUser`'s serde derive, not bad input.
    pub fn user(&self) -> Option<ClerkUser<'_>> {
        serde_json::from_str(&self.json).ok()
    }
}

/// Backend API users by Clerk id, in the order they were read.
#[derive(Debug, Default)]
pub struct ApiUsers {
    index: HashMap<Box<str>, usize>,
    held: Vec<Option<HeldUser>>,
}

impl ApiUsers {
    /// Holds a user; false (and nothing held) when its id was already read, as happens when
    /// pages overlap (§5.1: the CLI de-duplicates pages by id; the first copy wins).
    pub fn insert(&mut self, user: &ClerkUser<'_>, file: u32, at: Location) -> bool {
        if self.index.contains_key(user.id.as_ref()) {
            return false;
        }
        let Ok(json) = serde_json::to_string(user) else { return false };
        self.index.insert(user.id.as_ref().into(), self.held.len());
        self.held.push(Some(HeldUser { file, at, json: json.into_boxed_str() }));
        true
    }

    /// Takes the user with this id out of the store, for joining.
    pub fn take(&mut self, id: &str) -> Option<HeldUser> {
        let &i = self.index.get(id)?;
        self.held.get_mut(i)?.take()
    }

    /// The users never joined, in the order they were read; empties the store.
    pub fn take_unjoined(&mut self) -> Vec<HeldUser> {
        self.index.clear();
        std::mem::take(&mut self.held).into_iter().flatten().collect()
    }
}

/// Merges a main-input user with its Backend API record, by the rules in the module
/// documentation.
pub fn merge<'a>(main: ClerkUser<'a>, api: ClerkUser<'a>) -> ClerkUser<'a> {
    ClerkUser {
        id: main.id,
        external_id: api.external_id.or(main.external_id),
        first_name: api.first_name.or(main.first_name),
        last_name: api.last_name.or(main.last_name),
        username: api.username.or(main.username),
        image_url: api.image_url.or(main.image_url),
        emails: union(api.emails, main.emails, true),
        phones: union(api.phones, main.phones, false),
        password: main.password.or(api.password),
        totp_secret: main.totp_secret.or(api.totp_secret),
        external_accounts: if api.external_accounts.is_empty() { main.external_accounts } else { api.external_accounts },
        public_metadata: api.public_metadata.or(main.public_metadata),
        private_metadata: api.private_metadata.or(main.private_metadata),
        unsafe_metadata: api.unsafe_metadata.or(main.unsafe_metadata),
        created_at_ms: api.created_at_ms.or(main.created_at_ms),
        banned: api.banned || main.banned,
        locked: api.locked || main.locked,
    }
}

fn same(a: &str, b: &str, case_insensitive: bool) -> bool {
    if case_insensitive {
        a.eq_ignore_ascii_case(b) || (!a.is_ascii() && a.to_lowercase() == b.to_lowercase())
    } else {
        a == b
    }
}

fn union<'a>(api: Vec<Identifier<'a>>, main: Vec<Identifier<'a>>, ci: bool) -> Vec<Identifier<'a>> {
    let api_has_primary = api.iter().any(|i| i.primary);
    let mut ids = api;
    for m in main {
        let primary = m.primary && !api_has_primary;
        match ids.iter_mut().find(|i| same(&i.value, &m.value, ci)) {
            Some(existing) => existing.primary |= primary,
            None => ids.push(Identifier { value: m.value, verified: m.verified, primary }),
        }
    }
    if let Some(p) = ids.iter().position(|i| i.primary) {
        let primary = ids.remove(p);
        ids.insert(0, primary);
    }
    ids
}
