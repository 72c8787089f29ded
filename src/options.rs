//! Conversion options: one type, shared by the CLI, the Node API, the page and the lazy path.
//!
//! JavaScript options deserialise straight into [`Options`] (camelCase keys), so there is no
//! wasm twin of this type to drift (STYLE.md, "Ruff does get one thing right"). Unknown keys
//! are an error, so a misspelt option is reported instead of silently ignored.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The largest batch the core accepts in one `POST /bulk-import/users` (spec §1.1).
pub const MAX_BATCH_SIZE: usize = 10_000;

/// Everything that changes how Clerk users become SuperTokens users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Options {
    /// Users per batch file, 1 to 10000.
    pub batch_size: usize,
    /// Core features the operator declares enabled; they decide TOTP devices, linking and tenants.
    pub features: Features,
    /// Tenant every login method is imported into; `None` means the core's default (`public`).
    pub tenant: Option<String>,
    /// What to do with users whose password hash the core cannot verify.
    pub unsupported_hash: UnsupportedHashPolicy,
    /// Which id becomes `externalUserId`.
    pub external_id: ExternalIdSource,
    /// Clerk provider (`oauth_google`) to SuperTokens `thirdPartyId` (`google`) overrides.
    pub provider_map: BTreeMap<String, String>,
    /// Dotted path in `public_metadata` holding the user's role names (`--roles-from`).
    pub roles_from: Option<String>,
    /// Copy Clerk's `private_metadata` into `userMetadata` (off unless asked for).
    pub include_private_metadata: bool,
    /// What to do with banned or locked users.
    pub banned: BannedPolicy,
    /// Force an input shape instead of detecting it from the content.
    pub input_format: Option<InputFormat>,
    /// Treat identifiers of legacy shapes (which record no verification) as verified.
    pub legacy_verified: bool,
    /// Clerk user ids to leave out, for example users the lazy phase already migrated
    /// (`--skip-ids FILE`). Each is reported as skipped.
    pub skip_ids: Vec<String>,
    /// The current time in ms since the epoch, for the core's "timeJoined cannot be in future"
    /// rule. Filled by the host (wasm has no clock of its own); natively it defaults to now.
    pub now_ms: Option<i64>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            batch_size: MAX_BATCH_SIZE,
            features: Features::default(),
            tenant: None,
            unsupported_hash: UnsupportedHashPolicy::Defer,
            external_id: ExternalIdSource::ClerkId,
            provider_map: BTreeMap::new(),
            roles_from: None,
            include_private_metadata: false,
            banned: BannedPolicy::Skip,
            input_format: None,
            legacy_verified: false,
            skip_ids: Vec::new(),
            now_ms: None,
        }
    }
}

impl Options {
    /// Checks values serde cannot check on its own. The message is for a person.
    pub fn check(&self) -> Result<(), String> {
        if self.batch_size == 0 || self.batch_size > MAX_BATCH_SIZE {
            return Err(format!(
                "batchSize must be between 1 and {MAX_BATCH_SIZE} (the core's limit per request), got {}",
                self.batch_size
            ));
        }
        if let Some(t) = &self.tenant {
            if t.trim().is_empty() {
                return Err("tenant must not be empty".into());
            }
            if t != "public" && !self.features.multi_tenancy {
                return Err(format!(
                    "tenant '{t}' needs the multi_tenancy feature: add it to features, or leave tenant out for 'public'"
                ));
            }
        }
        Ok(())
    }

    /// The clock used for the core's future-timestamp rule.
    pub fn now_ms(&self) -> i64 {
        match self.now_ms {
            Some(ms) => ms,
            None => system_now_ms(),
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn system_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

// wasm32-unknown-unknown has no clock: `SystemTime::now` panics there. The wasm binding always
// fills `now_ms` from `Date.now()`, so this is only reached by a caller that forgot to.
#[cfg(target_arch = "wasm32")]
fn system_now_ms() -> i64 {
    i64::MAX / 2
}

/// SuperTokens core features (`GET /ee/featureflag`) the conversion depends on.
/// Deserialises from a list of names: `["account_linking", "mfa"]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Features {
    /// Several login methods per user, `isPrimary`.
    pub account_linking: bool,
    /// TOTP devices.
    pub mfa: bool,
    /// Tenants other than `public`.
    pub multi_tenancy: bool,
}

impl Features {
    /// Parses one feature name as the core spells it. Unknown names are an error, so a typo
    /// (`account-linking`) does not silently drop a user's login methods.
    pub fn enable(&mut self, name: &str) -> Result<(), String> {
        match name.trim() {
            "account_linking" => self.account_linking = true,
            "mfa" => self.mfa = true,
            "multi_tenancy" => self.multi_tenancy = true,
            "" => {}
            other => {
                return Err(format!(
                    "unknown feature '{other}': expected account_linking, mfa or multi_tenancy"
                ))
            }
        }
        Ok(())
    }

    /// The enabled names, in the core's spelling.
    pub fn names(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.account_linking {
            v.push("account_linking");
        }
        if self.mfa {
            v.push("mfa");
        }
        if self.multi_tenancy {
            v.push("multi_tenancy");
        }
        v
    }
}

impl Serialize for Features {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.names().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Features {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let names = Vec::<String>::deserialize(d)?;
        let mut f = Features::default();
        for n in &names {
            f.enable(n).map_err(serde::de::Error::custom)?;
        }
        Ok(f)
    }
}

/// `--unsupported-hash`: the fate of a user whose hash the core cannot verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum UnsupportedHashPolicy {
    /// Keep the user out of the batches, for lazy migration at sign-in.
    #[default]
    Defer,
    /// Import with a random password and flag the user for a forced reset.
    Reset,
    /// Reject the user.
    Reject,
}

/// `--external-id`: which id becomes `externalUserId`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ExternalIdSource {
    /// Clerk's own user id (`user_…`).
    #[default]
    ClerkId,
    /// Clerk's `external_id` when the user has one, else the Clerk id.
    ExternalId,
}

/// `--banned`: what to do with users Clerk marks banned or locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum BannedPolicy {
    /// Leave them out (rejected, with a diagnostic).
    #[default]
    Skip,
    /// Import them like anyone else.
    Import,
}

/// `--input-format`: the input shapes of spec/clerk-exports.md §1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputFormat {
    /// Shape A, the Dashboard "Export users" CSV (13 or 14 columns).
    DashboardCsv,
    /// Shape B, the legacy support CSV with metadata columns.
    LegacyCsv,
    /// Any JSON shape (C, C′, D, E), detected per record.
    Json,
    /// One JSON user per line.
    Ndjson,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_cli_defaults() {
        let o: Options = serde_json::from_str("{}").unwrap();
        assert_eq!(o, Options::default());
        assert_eq!(o.batch_size, 10_000);
        assert_eq!(o.unsupported_hash, UnsupportedHashPolicy::Defer);
    }

    #[test]
    fn camel_case_keys_and_feature_names_parse() {
        let o: Options = serde_json::from_str(
            r#"{"batchSize":5,"features":["mfa","account_linking"],"unsupportedHash":"reset","externalId":"external-id"}"#,
        )
        .unwrap();
        assert_eq!(o.batch_size, 5);
        assert!(o.features.mfa && o.features.account_linking && !o.features.multi_tenancy);
        assert_eq!(o.unsupported_hash, UnsupportedHashPolicy::Reset);
        assert_eq!(o.external_id, ExternalIdSource::ExternalId);
    }

    #[test]
    fn misspelt_options_and_features_are_errors_that_name_them() {
        let e = serde_json::from_str::<Options>(r#"{"batchsize":5}"#).unwrap_err();
        assert!(e.to_string().contains("batchsize"), "{e}");
        let e = serde_json::from_str::<Options>(r#"{"features":["account-linking"]}"#).unwrap_err();
        assert!(e.to_string().contains("account-linking"), "{e}");
    }

    #[test]
    fn batch_size_is_bounded_by_the_core_limit() {
        let o = Options { batch_size: 10_001, ..Options::default() };
        assert!(o.check().unwrap_err().contains("10000"));
        let o = Options { batch_size: 0, ..Options::default() };
        assert!(o.check().is_err());
    }
}
