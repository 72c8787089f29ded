//! The end of a conversion: what the identity log's replay settles ([`crate::sightings`]),
//! the Backend API users no record named, and the report's close.
//!
//! Two things wait for the replay. A record whose Clerk id the filter may have seen is held
//! (as an owned user, rare: repeats and ~0.1% false positives); the replay says whether an
//! earlier record had the id, and it is then rejected as a duplicate or converted, after the
//! other records. And the preflight's possible conflicts: the replay names the earlier user,
//! or shows there was none; the confirmed warnings go to the report, located at their users.

use super::{OutputFile, State};
use crate::clerk::ClerkUser;
use crate::report::{Diagnostic, DiagnosticCode as Code, Location, Severity};
use crate::sightings::{Key, KeyKind, Settled};
use crate::supertokens::PreflightWarning;

/// A record held until the replay says whether its Clerk id repeats an earlier one.
struct HeldRecord {
    position: u64,
    at: Location,
    user: ClerkUser<'static>,
}

/// A converted user with possible preflight conflicts, to locate their warnings.
struct Awaiting {
    position: u64,
    at: Location,
    id: Box<str>,
}

/// What waits for the next replay of the identity log.
#[derive(Default)]
pub(super) struct Unsettled {
    held: Vec<HeldRecord>,
    /// By preflight position, ascending.
    awaiting: Vec<Awaiting>,
}

impl Unsettled {
    /// Holds the record at `position` (its 1-based number among all records).
    pub(super) fn hold_record(&mut self, position: u64, at: Location, user: ClerkUser<'_>) {
        self.held.push(HeldRecord { position, at, user: user.into_owned() });
    }

    /// Remembers where the user at preflight `position` is, for warnings settled later.
    pub(super) fn await_preflight(&mut self, position: u64, at: Location, id: &str) {
        self.awaiting.push(Awaiting { position, at, id: id.into() });
    }
}

/// The report's entry for a preflight warning of user `id`.
pub(super) fn preflight_diagnostic(warning: PreflightWarning, id: &str) -> Diagnostic {
    Diagnostic::new(Code::CoreWouldFail, Severity::Warning, warning.message).user(id)
}

impl State {
    /// Carries the conversion on after the input ended, until it is complete or waits for the
    /// host to replay the identity log (`Converter::replay_needed`).
    pub(super) fn advance(&mut self) -> Vec<OutputFile> {
        loop {
            if self.sightings.replay_needed() {
                if !self.sightings.keeps_log_inside() {
                    return self.take_output();
                }
                let settled = self.sightings.settle_kept();
                self.apply(&settled);
                continue;
            }
            if !self.api_only_done {
                self.api_only_done = true;
                self.convert_api_only_users();
                continue;
            }
            return self.close();
        }
    }

    /// Uses a replay's answers: the preflight's confirmed warnings, then the held records.
    pub(super) fn apply(&mut self, settled: &Settled) {
        let awaiting = std::mem::take(&mut self.unsettled.awaiting);
        for warning in self.checks.preflight.resolve(settled) {
            let i = awaiting.partition_point(|a| a.position < warning.position);
            match awaiting.get(i).filter(|a| a.position == warning.position) {
                Some(a) => self.w.located(a.at, preflight_diagnostic(warning, &a.id)),
                None => self.w.diagnostic(Diagnostic::new(Code::CoreWouldFail, Severity::Warning, warning.message)),
            }
        }
        for held in std::mem::take(&mut self.unsettled.held) {
            let key = Key::of(KeyKind::ClerkId, &[&held.user.id]);
            if settled.earliest(&key).is_some_and(|earliest| earliest < held.position) {
                self.w.summary.rejected += 1;
                let d = Diagnostic::new(Code::DuplicateId, Severity::Error, "Clerk user id already seen earlier in the input; record skipped")
                    .field("id")
                    .user(held.user.id.as_ref());
                self.w.located(held.at, d);
            } else {
                self.accept(held.at, held.user);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Converter, OutputFile};
    use crate::Options;
    use serde_json::Value;
    use std::collections::BTreeMap;

    /// 400 CSV rows: ids 3 and 6 repeat ids 1 and 2, every 50th user shares the previous
    /// user's email. API users for every 10th id and one API-only user.
    fn inputs() -> (Vec<u8>, Vec<u8>) {
        let mut csv = String::from("id,first_name,last_name,username,primary_email_address,primary_phone_number,verified_email_addresses,unverified_email_addresses,verified_phone_numbers,unverified_phone_numbers,totp_secret,password_digest,password_hasher,created_at\n");
        for i in 0..400usize {
            let id = [(3, 1), (6, 2)].iter().find(|(row, _)| *row == i).map_or(i, |(_, id)| *id);
            let email = format!("u{}@example.com", if i % 50 == 49 { i - 1 } else { i });
            csv.push_str(&format!("user_{id:027},F{i},L{i},,{email},,{email},,,,,$2b$10$U4C0ZY8OG8y41F9LusfKyu3HRMBL0rCZcKBVsXhgr.n8Ou6FPhzO2,bcrypt,2024-03-01T12:00:00Z\n"));
        }
        let mut api: Vec<Value> = (0..400usize)
            .step_by(10)
            .map(|i| serde_json::json!({"object":"user","id":format!("user_{i:027}"),"external_id":format!("crm-{i}"),"email_addresses":[]}))
            .collect();
        api.push(serde_json::json!({"object":"user","id":"user_api_only","email_addresses":[{"id":"e","email_address":"u7@example.com","verification":{"status":"verified"}}],"primary_email_address_id":"e"}));
        (csv.into_bytes(), serde_json::to_vec(&api).unwrap_or_default())
    }

    fn run(tiny: bool) -> BTreeMap<String, String> {
        let (csv, api) = inputs();
        let options: Options = serde_json::from_str(r#"{"nowMs": 1800000000000, "batchSize": 64}"#).unwrap_or_default();
        let mut c = Converter::new(options).unwrap_or_else(|e| panic!("{e}"));
        if tiny {
            c.state.sightings.tiny_filter(1, 8);
        }
        let mut files = BTreeMap::<String, String>::new();
        let mut write = |pieces: Vec<OutputFile>| {
            for p in pieces {
                let f = files.entry(p.name).or_default();
                if !p.append {
                    f.clear();
                }
                f.push_str(&p.text);
            }
        };
        write(c.push_api(&api).unwrap_or_default());
        write(c.end_api_file().unwrap_or_default());
        write(c.push(&csv));
        write(c.finish());
        files
    }

    /// Users (as JSON text) and diagnostics of a run, each sorted: what must not depend on
    /// whether the filter let records through at once or held them for the replay.
    fn contents(files: &BTreeMap<String, String>) -> (Vec<String>, Vec<String>, Value) {
        let mut users: Vec<String> = files
            .iter()
            .filter(|(name, _)| name.starts_with("batch-"))
            .flat_map(|(_, text)| serde_json::from_str::<Value>(text).ok()?["users"].as_array().cloned())
            .flatten()
            .map(|u| u.to_string())
            .collect();
        users.sort();
        let report: Value = serde_json::from_str(&files["report.json"]).unwrap_or_default();
        let mut diagnostics: Vec<String> = report["diagnostics"].as_array().into_iter().flatten().map(|d| d.to_string()).collect();
        diagnostics.sort();
        (users, diagnostics, report["summary"].clone())
    }

    #[test]
    fn a_filter_of_false_positives_changes_the_order_of_users_and_nothing_else() {
        let exact = run(false);
        let (users, diagnostics, summary) = contents(&exact);
        assert_eq!(summary["records"], 401);
        assert_eq!(summary["rejected"], 2);
        assert_eq!(diagnostics.iter().filter(|d| d.contains("already seen earlier")).count(), 2);
        assert_eq!(diagnostics.iter().filter(|d| d.contains("E003")).count(), 8);
        let held = run(true);
        assert_ne!(held, exact, "a tiny filter holds records back: the batches are in another order");
        assert_eq!(contents(&held), (users, diagnostics, summary));
    }
}
