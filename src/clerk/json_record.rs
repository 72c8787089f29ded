//! `UserRecord`: one JSON user record of any shape (C, C′, D, E), as typed serde structs.
//!
//! One struct holds the union of the shapes' keys, so a record is parsed once, borrowing its
//! strings from the record buffer; `json_user` then decides the shape and maps it. Leniency
//! (spec/clerk-exports.md §4.1, §5.2): unknown keys are ignored, `null` means absent, and the
//! camelCase keys of `@clerk/backend` SDK objects (§5.1) are accepted as aliases.

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::fmt;

/// A JSON object's keys and values, for metadata.
pub type Metadata = Map<String, Value>;

/// A user record, whatever its shape.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UserRecord<'a> {
    /// `"user"` in Backend API objects; `google_account` etc. marks a record that is not a user.
    #[serde(borrow)]
    pub object: Option<Cow<'a, str>>,
    /// Clerk user id.
    #[serde(borrow)]
    pub id: Option<Cow<'a, str>>,
    /// The customer's id (D); E keeps it in `private_metadata.clerkExternalId` instead.
    #[serde(borrow, alias = "externalId")]
    pub external_id: Option<Cow<'a, str>>,
    /// Given name.
    #[serde(borrow, alias = "firstName")]
    pub first_name: Option<Cow<'a, str>>,
    /// Family name.
    #[serde(borrow, alias = "lastName")]
    pub last_name: Option<Cow<'a, str>>,
    /// Username.
    #[serde(borrow)]
    pub username: Option<Cow<'a, str>>,
    /// Profile image.
    #[serde(borrow, alias = "imageUrl")]
    pub image_url: Option<Cow<'a, str>>,
    /// Deprecated image key still sent by the API (§5.2).
    #[serde(borrow, alias = "profileImageUrl")]
    pub profile_image_url: Option<Cow<'a, str>>,
    /// C, E: the primary email as a string.
    #[serde(borrow)]
    pub primary_email_address: Option<Cow<'a, str>>,
    /// C, E: the primary phone as a string.
    #[serde(borrow)]
    pub primary_phone_number: Option<Cow<'a, str>>,
    /// D: id of the primary element of `email_addresses`.
    #[serde(borrow, alias = "primaryEmailAddressId")]
    pub primary_email_address_id: Option<Cow<'a, str>>,
    /// D: id of the primary element of `phone_numbers`.
    #[serde(borrow, alias = "primaryPhoneNumberId")]
    pub primary_phone_number_id: Option<Cow<'a, str>>,
    /// D: objects; C: strings or null; C′: one `|`-joined string.
    #[serde(borrow)]
    pub email_addresses: List<'a>,
    /// SDK spelling of `email_addresses`; kept apart because it marks shape D (§1.1 step 5).
    #[serde(borrow, rename = "emailAddresses")]
    pub email_addresses_camel: List<'a>,
    /// Like `email_addresses`, for phones.
    #[serde(borrow)]
    pub phone_numbers: List<'a>,
    /// SDK spelling of `phone_numbers`.
    #[serde(borrow, rename = "phoneNumbers")]
    pub phone_numbers_camel: List<'a>,
    /// E: verified emails other than the primary.
    #[serde(borrow)]
    pub verified_email_addresses: List<'a>,
    /// E: unverified emails.
    #[serde(borrow)]
    pub unverified_email_addresses: List<'a>,
    /// E: verified phones other than the primary.
    #[serde(borrow)]
    pub verified_phone_numbers: List<'a>,
    /// E: unverified phones.
    #[serde(borrow)]
    pub unverified_phone_numbers: List<'a>,
    /// C′ (WOS): whether the primary email is verified.
    pub primary_email_verified: Option<bool>,
    /// C, C′: the digest; `null` or empty = no password.
    #[serde(borrow)]
    pub password_digest: Option<Cow<'a, str>>,
    /// C, C′: the digest's hasher.
    #[serde(borrow)]
    pub password_hasher: Option<Cow<'a, str>>,
    /// C, C′: TOTP secret.
    #[serde(borrow)]
    pub totp_secret: Option<Cow<'a, str>>,
    /// Clerk `public_metadata`.
    #[serde(alias = "publicMetadata")]
    pub public_metadata: Option<Metadata>,
    /// Clerk `private_metadata` (nullable in the API, §5.2).
    #[serde(alias = "privateMetadata")]
    pub private_metadata: Option<Metadata>,
    /// Clerk `unsafe_metadata`.
    #[serde(alias = "unsafeMetadata")]
    pub unsafe_metadata: Option<Metadata>,
    /// D: OAuth accounts.
    #[serde(borrow, alias = "externalAccounts")]
    pub external_accounts: Option<Vec<ExternalAccountRecord<'a>>>,
    /// D: ms; E: ISO-8601 (§7).
    #[serde(alias = "createdAt")]
    pub created_at: Option<Timestamp>,
    /// Banned in Clerk.
    pub banned: Option<bool>,
    /// Locked in Clerk.
    pub locked: Option<bool>,
    /// SDK objects keep the original snake_case payload here; it wins when present (§5.1).
    #[serde(borrow, rename = "_raw")]
    pub raw: Option<Box<UserRecord<'a>>>,
}

/// An element of a D `email_addresses` / `phone_numbers` array.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct IdentifierRecord<'a> {
    /// `idn_…`, matched against `primary_*_id`.
    #[serde(borrow)]
    pub id: Option<Cow<'a, str>>,
    /// The address, for emails.
    #[serde(borrow, alias = "emailAddress")]
    pub email_address: Option<Cow<'a, str>>,
    /// The number, for phones.
    #[serde(borrow, alias = "phoneNumber")]
    pub phone_number: Option<Cow<'a, str>>,
    /// `verification.status == "verified"` means verified (§5.4).
    #[serde(borrow)]
    pub verification: Option<VerificationRecord<'a>>,
}

/// A verification object; only its status matters (§5.4: `object` is often missing).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct VerificationRecord<'a> {
    /// `verified`, `unverified`, `failed`, `expired`, `transferable`.
    #[serde(borrow)]
    pub status: Option<Cow<'a, str>>,
}

impl VerificationRecord<'_> {
    /// §5.4: verified iff the status is `verified`.
    pub fn is_verified(v: &Option<VerificationRecord<'_>>) -> bool {
        v.as_ref().and_then(|v| v.status.as_deref()) == Some("verified")
    }
}

/// An external account, modern (`external_account`) or legacy (`google_account`,
/// `facebook_account`, §5.5).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ExternalAccountRecord<'a> {
    /// `external_account`, `google_account`, `facebook_account`.
    #[serde(borrow)]
    pub object: Option<Cow<'a, str>>,
    /// `oauth_google`, …; absent in legacy shapes.
    #[serde(borrow)]
    pub provider: Option<Cow<'a, str>>,
    /// The user's id at the provider (`providerUserId` in the SDK).
    #[serde(borrow, alias = "providerUserId")]
    pub provider_user_id: Option<Cow<'a, str>>,
    /// Older SDKs' name for the provider's user id. A separate field, not an alias: current SDK
    /// objects carry both `externalId` and `providerUserId`, and an alias would make them a
    /// duplicate key.
    #[serde(borrow, rename = "externalId")]
    pub sdk_external_id: Option<Cow<'a, str>>,
    /// Legacy `google_account` spelling of `provider_user_id`.
    #[serde(borrow)]
    pub google_id: Option<Cow<'a, str>>,
    /// Legacy `facebook_account` spelling, by analogy (Inferred, §5.5).
    #[serde(borrow)]
    pub facebook_id: Option<Cow<'a, str>>,
    /// Email the provider reported.
    #[serde(borrow, alias = "emailAddress")]
    pub email_address: Option<Cow<'a, str>>,
    /// The account's verification.
    #[serde(borrow)]
    pub verification: Option<VerificationRecord<'a>>,
}

/// A creation time: a number is ms since the epoch (D), a string RFC 3339 (E, §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timestamp {
    /// Milliseconds since the epoch.
    Ms(i64),
    /// Given as a string, which parsed to this many ms.
    Text(i64),
    /// Present but unreadable.
    Invalid,
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a timestamp")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Timestamp, E> {
                Ok(Timestamp::Ms(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Timestamp, E> {
                Ok(i64::try_from(v).map_or(Timestamp::Invalid, Timestamp::Ms))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Timestamp, E> {
                let ok = v.is_finite() && v.fract() == 0.0 && v.abs() < 9.0e15;
                Ok(if ok { Timestamp::Ms(v as i64) } else { Timestamp::Invalid })
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
                Ok(super::cells::rfc3339_to_ms(v).map_or(Timestamp::Invalid, Timestamp::Text))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Timestamp, E> {
                Ok(Timestamp::Invalid)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Timestamp, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Timestamp::Invalid)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Timestamp, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Timestamp::Invalid)
            }
        }
        d.deserialize_any(V)
    }
}

/// An identifier list in any of its spellings.
#[derive(Debug, Default)]
pub enum List<'a> {
    /// Missing or `null`.
    #[default]
    Absent,
    /// One string, values joined by `|` (C′, §4.2) or `,`.
    Joined(Cow<'a, str>),
    /// A JSON array.
    Items(Vec<Item<'a>>),
}

/// An element of an identifier array.
#[derive(Debug)]
pub enum Item<'a> {
    /// A plain string (C, E).
    Text(Cow<'a, str>),
    /// An `EmailAddress` / `PhoneNumber` object (D).
    Object(IdentifierRecord<'a>),
    /// Anything else; ignored.
    Other,
}

impl List<'_> {
    /// True unless missing or `null`.
    pub fn is_present(&self) -> bool {
        !matches!(self, List::Absent)
    }

    /// True when the list holds objects, which only shape D has.
    pub fn has_objects(&self) -> bool {
        matches!(self, List::Items(items) if items.iter().any(|i| matches!(i, Item::Object(_))))
    }
}

fn text<'a>(v: &str, borrowed: Option<&'a str>) -> Cow<'a, str> {
    borrowed.map_or_else(|| Cow::Owned(v.to_string()), Cow::Borrowed)
}

impl<'de: 'a, 'a> Deserialize<'de> for List<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = List<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of identifiers, a joined string or null")
            }
            fn visit_unit<E: de::Error>(self) -> Result<List<'de>, E> {
                Ok(List::Absent)
            }
            fn visit_none<E: de::Error>(self) -> Result<List<'de>, E> {
                Ok(List::Absent)
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<List<'de>, E> {
                Ok(List::Joined(text(v, Some(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<List<'de>, E> {
                Ok(List::Joined(text(v, None)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<List<'de>, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Item<'de>>()? {
                    items.push(item);
                }
                Ok(List::Items(items))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Item<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Item<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an identifier")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Item<'de>, E> {
                Ok(Item::Text(text(v, Some(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Item<'de>, E> {
                Ok(Item::Text(text(v, None)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Item<'de>, A::Error> {
                IdentifierRecord::deserialize(de::value::MapAccessDeserializer::new(map)).map(Item::Object)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Item<'de>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Item::Other)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Item<'de>, E> {
                Ok(Item::Other)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Item<'de>, E> {
                Ok(Item::Other)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Item<'de>, E> {
                Ok(Item::Other)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Item<'de>, E> {
                Ok(Item::Other)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Item<'de>, E> {
                Ok(Item::Other)
            }
        }
        d.deserialize_any(V)
    }
}
