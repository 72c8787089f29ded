//! "Was this identity seen earlier in the import, and where first?", answered exactly over any
//! number of users in memory that does not grow with them.
//!
//! A converter must notice a Clerk id that repeats, and an email, phone or third-party identity
//! the core will refuse for a later user (the preflight). An exact table of every identity
//! costs memory per user (86 bytes per identity measured with `HashMap`, BENCHMARKS.md), so a
//! million-user export grew the CLI from 126 to 314 MiB. Instead:
//!
//! - A Bloom filter ([`sbbf_rs_safe`], split-block: one 32-byte bucket per key, so one cache
//!   miss) says "certainly new" for almost every key the moment it is seen. It holds about
//!   2 bytes per key, in filters that double in size as keys arrive.
//! - Every key is appended to the **identity log**, 24 bytes per key: the key and the position
//!   of its holder. The host can keep the log outside the converter (the CLI writes it to a
//!   file beside the output), so the converter's memory stays flat.
//! - A key the filter says "maybe seen" is a *suspect*: a real repeat, or one of ~0.1% false
//!   positives. At the end the host replays the log once ([`Sightings::replay`]) and each
//!   suspect gets the earliest position holding its key, which settles it exactly.
//!
//! What still grows is what waits for the replay: each suspect, with what its caller keeps to
//! report it (a warning's text, a held record), about 100–1,000 bytes. That is proportional
//! to the conflicts and repeats an export really has (plus ~0.4% of its keys), not to its
//! users: an export where every user shares one email still needs memory per user.
//!
//! Keys are 128-bit XXH3 hashes of the normalised identity (fixed seed, so runs are
//! reproducible). Two different identities collide with probability about n²/2¹²⁹: for 10⁸
//! identities, below 10⁻²².

use sbbf_rs_safe::Filter;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use xxhash_rust::xxh3::Xxh3;

/// A 128-bit hash of a normalised identity, of one [`KeyKind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key(u64, u64);

/// What a key identifies: hashed in first, so equal strings of different kinds never meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum KeyKind {
    /// `(tenant, email)` of an emailpassword login method (E003).
    EmailPasswordEmail = 1,
    /// `(tenant, thirdPartyId, thirdPartyUserId)` (E005).
    ThirdParty = 2,
    /// `(tenant, email)` of a passwordless login method (E006).
    PasswordlessEmail = 3,
    /// `(tenant, phone)` of a passwordless login method (E007).
    PasswordlessPhone = 4,
    /// `(tenant, email)` reserved by a primary user (E027).
    PrimaryEmail = 5,
    /// `(tenant, phone)` reserved by a primary user (E027).
    PrimaryPhone = 6,
    /// `(tenant, thirdPartyId, thirdPartyUserId)` reserved by a primary user (E027).
    PrimaryThirdParty = 7,
    /// An `externalUserId` (E031).
    ExternalUserId = 8,
    /// A Clerk user id in the input (duplicate records).
    ClerkId = 9,
}

const SEED: u64 = 0x5eed_c1e7_0000_0001;

impl Key {
    /// The key of an identity made of `parts`, which are hashed with a separator that UTF-8
    /// never contains, so that parts cannot run into each other.
    pub fn of(kind: KeyKind, parts: &[&str]) -> Key {
        let mut h = Xxh3::with_seed(SEED);
        h.update(&[kind as u8]);
        for p in parts {
            h.update(p.as_bytes());
            h.update(&[0xFF]);
        }
        let v = h.digest128();
        Key(v as u64, (v >> 64) as u64)
    }

    fn to_bytes(self) -> [u8; 16] {
        let mut b = [0; 16];
        b[..8].copy_from_slice(&self.0.to_le_bytes());
        b[8..].copy_from_slice(&self.1.to_le_bytes());
        b
    }
}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.0);
    }
}

/// The `Hasher` of maps keyed by [`Key`]s, which are uniform hashes already: it passes the
/// bits through instead of hashing them again.
#[derive(Default)]
pub struct KeyHasher(u64);

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

/// A map keyed by [`Key`]s.
pub type KeyMap<V> = HashMap<Key, V, BuildHasherDefault<KeyHasher>>;

/// Bytes per identity-log record: the 16-byte key, then the 8-byte position, little-endian.
pub const LOG_RECORD_BYTES: usize = 24;

/// Bloom bits per key: a false-positive rate of about 0.1% for a full filter (Parquet's
/// split-block sizing table), so about 0.1% of keys are settled by the replay, not at once.
const BITS_PER_KEY: usize = 16;

/// Keys the first filter is sized for; each further filter is twice as large. Never sized from
/// the input's length: which keys are false positives decides which records are held for the
/// replay and so land after the others, and the output must depend on the input alone.
const FIRST_FILTER_KEYS: usize = 1 << 17;

/// The identity check of one import: see the module documentation.
pub struct Sightings {
    /// Filters from oldest to newest; a key goes into the newest, is looked up in all.
    filters: Vec<Filter>,
    /// Keys the newest filter was sized for, and keys put in it so far.
    newest_capacity: usize,
    newest_keys: usize,
    /// Keys the first filter will be sized for, and bits per key.
    first_capacity: usize,
    bits_per_key: usize,
    /// Log records not yet taken by the host (or, kept inside, all of them).
    log: Vec<u8>,
    keep_inside: bool,
    /// Bytes of log written so far, and replayed in the current replay.
    logged: u64,
    replayed: u64,
    /// A record split across two replay chunks.
    partial: Vec<u8>,
    /// Suspect keys, to the earliest position the current replay saw for them.
    suspects: KeyMap<u64>,
}

impl Default for Sightings {
    fn default() -> Self {
        Sightings {
            filters: Vec::new(),
            newest_capacity: 0,
            newest_keys: 0,
            first_capacity: FIRST_FILTER_KEYS,
            bits_per_key: BITS_PER_KEY,
            log: Vec::new(),
            keep_inside: true,
            logged: 0,
            replayed: 0,
            partial: Vec::new(),
            suspects: KeyMap::default(),
        }
    }
}

impl Sightings {
    /// A check that keeps its identity log in memory (24 bytes per identity), for inputs held
    /// in memory anyway; see [`Sightings::keep_log_outside`] for large ones.
    pub fn new() -> Self {
        Sightings::default()
    }

    /// A filter of `bits` bits per key and a first capacity of `keys`: tests make it tiny, so
    /// that most keys are false positives the replay must settle.
    #[cfg(test)]
    pub(crate) fn tiny_filter(&mut self, bits: usize, keys: usize) {
        self.bits_per_key = bits;
        self.first_capacity = keys;
    }

    /// Hands the identity log out through [`Sightings::take_log`] instead of keeping it: the
    /// host stores it and replays it when [`Sightings::replay_needed`] says so.
    pub fn keep_log_outside(&mut self) {
        self.keep_inside = false;
    }

    /// Records that position `position` holds `key`. True when the key may have been seen
    /// before: it is then a suspect, settled by the next replay ([`Settled::earliest`]).
    pub fn sight(&mut self, key: Key, position: u64) -> bool {
        self.log.extend_from_slice(&key.to_bytes());
        self.log.extend_from_slice(&position.to_le_bytes());
        self.logged += LOG_RECORD_BYTES as u64;
        let hash = key.0;
        let maybe_seen = self.filters.iter().any(|f| f.contains_hash(hash));
        if !maybe_seen {
            if self.newest_keys >= self.newest_capacity {
                let capacity = if self.filters.is_empty() { self.first_capacity } else { self.newest_capacity.saturating_mul(2) };
                self.filters.push(Filter::new(self.bits_per_key, capacity));
                self.newest_capacity = capacity;
                self.newest_keys = 0;
            }
            if let Some(newest) = self.filters.last_mut() {
                newest.insert_hash(hash);
            }
            self.newest_keys += 1;
        } else {
            self.suspect(key);
        }
        maybe_seen
    }

    /// Asks the next replay for the earliest position holding `key`, without recording a
    /// sighting (for a key whose earlier holder is known to be logged).
    pub fn suspect(&mut self, key: Key) {
        self.suspects.entry(key).or_insert(u64::MAX);
    }

    /// Whether the log is kept inside (the default) rather than handed out.
    pub fn keeps_log_inside(&self) -> bool {
        self.keep_inside
    }

    /// The log records written since the last call, for a host that keeps the log outside
    /// (always empty when the log is kept inside).
    pub fn take_log(&mut self) -> Vec<u8> {
        if self.keep_inside {
            return Vec::new();
        }
        std::mem::take(&mut self.log)
    }

    /// Whether suspects wait for a replay of the whole log.
    pub fn replay_needed(&self) -> bool {
        !self.suspects.is_empty()
    }

    /// Feeds the next piece of the whole log, from its first byte, in pieces of any size.
    pub fn replay(&mut self, mut chunk: &[u8]) {
        self.replayed += chunk.len() as u64;
        if !self.partial.is_empty() {
            let need = LOG_RECORD_BYTES - self.partial.len();
            let take = need.min(chunk.len());
            self.partial.extend_from_slice(&chunk[..take]);
            chunk = &chunk[take..];
            if self.partial.len() < LOG_RECORD_BYTES {
                return;
            }
            let record = std::mem::take(&mut self.partial);
            self.replay_record(&record);
        }
        let mut records = chunk.chunks_exact(LOG_RECORD_BYTES);
        for record in &mut records {
            self.replay_record(record);
        }
        self.partial.extend_from_slice(records.remainder());
    }

    /// Replays the log kept inside (see [`Sightings::new`]) and ends the replay. With the log
    /// kept outside there is nothing here to replay: every suspect is then settled as having no
    /// earlier holder, so that a caller which cannot replay never waits forever.
    pub fn settle_kept(&mut self) -> Settled {
        let log = std::mem::take(&mut self.log);
        self.replay(&log);
        self.log = log;
        // A failed replay has reset every suspect to "no earlier holder seen".
        self.end_replay().unwrap_or_else(|_| Settled(std::mem::take(&mut self.suspects)))
    }

    fn replay_record(&mut self, record: &[u8]) {
        let word = |i: usize| u64::from_le_bytes(record[i..i + 8].try_into().unwrap_or_default());
        if let Some(earliest) = self.suspects.get_mut(&Key(word(0), word(8))) {
            *earliest = (*earliest).min(word(16));
        }
    }

    /// Ends a replay: checks that the whole log came back, and hands over each suspect's
    /// earliest position. The suspects are cleared; later sightings start the next round.
    pub fn end_replay(&mut self) -> Result<Settled, String> {
        let (replayed, partial) = (self.replayed, self.partial.len());
        self.replayed = 0;
        self.partial.clear();
        if replayed != self.logged || partial != 0 {
            for earliest in self.suspects.values_mut() {
                *earliest = u64::MAX;
            }
            return Err(format!(
                "the identity log replayed {replayed} bytes, but {} were written: replay the whole log, from its first byte, after taking every piece",
                self.logged
            ));
        }
        Ok(Settled(std::mem::take(&mut self.suspects)))
    }
}

/// The earliest position holding each suspect key, after a replay.
pub struct Settled(KeyMap<u64>);

impl Settled {
    /// The earliest position that holds `key`; `None` if `key` was not a suspect or nothing
    /// holds it (a bug in the caller, which logs before it suspects).
    pub fn earliest(&self, key: &Key) -> Option<u64> {
        self.0.get(key).copied().filter(|&p| p != u64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(i: u64) -> Key {
        Key::of(KeyKind::ClerkId, &[&format!("user_{i}")])
    }

    /// Sights every key, settles the suspects with one replay (split every 7 bytes when the
    /// log is outside) and returns, for each sighting, the earliest position the replay found.
    fn settle(s: &mut Sightings, keys: &[(Key, u64)], outside: bool) -> Vec<Option<u64>> {
        if outside {
            s.keep_log_outside();
        }
        let flagged: Vec<bool> = keys.iter().map(|&(k, p)| s.sight(k, p)).collect();
        let log = s.take_log();
        if outside {
            assert_eq!(log.len(), keys.len() * LOG_RECORD_BYTES);
            for piece in log.chunks(7) {
                s.replay(piece);
            }
        }
        let settled = if outside {
            s.end_replay().unwrap_or_else(|e| panic!("{e}"))
        } else {
            assert!(log.is_empty());
            s.settle_kept()
        };
        assert!(!s.replay_needed());
        keys.iter().zip(flagged).map(|(&(k, _), f)| if f { settled.earliest(&k) } else { None }).collect()
    }

    #[test]
    fn every_repeat_is_flagged_and_settled_to_its_first_position_across_grown_filters() {
        for outside in [false, true] {
            let mut s = Sightings::new();
            s.tiny_filter(16, 1_000); // 20,000 keys: five filters of doubling size
            let mut keys: Vec<(Key, u64)> = (0..20_000).map(|i| (key(i), i)).collect();
            keys.extend([(key(5), 20_000), (key(19_999), 20_001), (key(5), 20_002)]);
            let earliest = settle(&mut s, &keys, outside);
            assert_eq!(s.filters.len(), 5);
            assert_eq!(&earliest[20_000..], &[Some(5), Some(19_999), Some(5)]);
            // A flagged first sighting is a false positive: the replay finds it first itself.
            let false_positives = earliest[..20_000].iter().enumerate().filter(|(_, e)| e.is_some()).count();
            assert!(earliest[..20_000].iter().enumerate().all(|(i, e)| e.is_none_or(|p| p == i as u64)));
            assert!(false_positives < 200, "{false_positives} false positives among 20,000 keys");
        }
    }

    #[test]
    fn a_replay_that_is_not_the_whole_log_is_refused_and_can_be_done_again() {
        let mut s = Sightings::new();
        s.keep_log_outside();
        s.sight(key(1), 0);
        s.sight(key(1), 1);
        let log = s.take_log();
        s.replay(&log[..LOG_RECORD_BYTES + 3]);
        assert!(s.end_replay().is_err());
        assert!(s.replay_needed(), "the suspect still waits");
        s.replay(&log);
        assert_eq!(s.end_replay().map(|settled| settled.earliest(&key(1))), Ok(Some(0)));
    }
}
