//! The converter's fast paths must agree with the full, JSON-based checks: a typed user the
//! validator accepts "plainly" is one the core accepts, the verdicts of a whole request are the
//! same either way, and the preflight reads the same identities from a typed user as from its
//! JSON.

use clerk_to_supertokens::sightings::Sightings;
use clerk_to_supertokens::supertokens::{
    BulkImportUser, CoreContext, LoginMethod, Preflight, RecipeId, RequestValidator, TotpDevice, UserRole,
};
use proptest::prelude::*;
use std::borrow::Cow;

const NOW: i64 = 1_800_000_000_000;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        30 => "[a-z]{1,8}(@x\\.dev)?",
        1 => Just(String::new()),
        1 => Just("   ".to_string()),
        1 => Just("\u{3000}".to_string()),
        1 => Just("\u{a0}x".to_string()),
        1 => Just("a".repeat(129)),
        1 => Just("b".repeat(257)),
        1 => Just("😀".repeat(128)),
        1 => Just(" SAME@x.dev ".to_string()),
        1 => Just("same@x.dev".to_string()),
        1 => Just("+1 555-555-0100".to_string()),
        1 => Just("+15555550100".to_string()),
    ]
}

fn opt_text() -> impl Strategy<Value = Option<Cow<'static, str>>> {
    proptest::option::weighted(0.7, text().prop_map(Cow::Owned))
}

fn method() -> impl Strategy<Value = LoginMethod<'static>> {
    let recipe = prop_oneof![Just(RecipeId::Emailpassword), Just(RecipeId::Thirdparty), Just(RecipeId::Passwordless)];
    let hash = prop_oneof![
        Just(None),
        Just(Some(("$2a$10$abc".to_string(), "bcrypt"))),
        Just(Some(("$argon2id$v=19$x".to_string(), "argon2"))),
        Just(Some(("nope".to_string(), "bcrypt"))),
        Just(Some(("$f_scrypt$a$b$m=1$r=1$s=x".to_string(), "firebase_scrypt"))),
        Just(Some((" $2b$ ".to_string(), "bcrypt"))),
    ];
    let tenants = prop_oneof![8 => Just(vec![]), 1 => Just(vec![Cow::Borrowed("public")]), 1 => Just(vec![Cow::Borrowed("T1")])];
    let joined = prop_oneof![Just(None), Just(Some(0_i64)), Just(Some(NOW)), Just(Some(NOW + 1)), Just(Some(-1_i64)), Just(Some(1_700_000_000_000))];
    (recipe, opt_text(), hash, opt_text(), opt_text(), opt_text(), opt_text(), tenants, joined, any::<bool>(), any::<bool>()).prop_map(
        |(recipe, email, hash, plain, tp_id, tp_uid, phone, tenants, joined, verified, primary)| {
            let mut m = LoginMethod::new(recipe);
            m.email = email;
            m.tenant_ids = tenants;
            m.time_joined_in_m_s_since_epoch = joined;
            m.is_verified = verified;
            m.is_primary = primary;
            match recipe {
                RecipeId::Emailpassword => {
                    if let Some((h, a)) = hash {
                        m.password_hash = Some(Cow::Owned(h));
                        m.hashing_algorithm = Some(a);
                    }
                    m.plain_text_password = plain;
                }
                RecipeId::Thirdparty => {
                    m.third_party_id = tp_id;
                    m.third_party_user_id = tp_uid;
                }
                RecipeId::Passwordless => m.phone_number = phone,
            }
            m
        },
    )
}

fn user() -> impl Strategy<Value = BulkImportUser<'static>> {
    let devices = proptest::collection::vec(
        (text(), text(), 0u32..3).prop_map(|(s, n, period)| TotpDevice {
            secret_key: Cow::Owned(s),
            period,
            skew: 1,
            device_name: Cow::Owned(n),
        }),
        0..2,
    );
    let roles = prop_oneof![
        9 => Just(vec![]),
        1 => Just(vec![UserRole { role: Cow::Borrowed("admin"), tenant_ids: vec![Cow::Borrowed("public")] }])
    ];
    (opt_text(), roles, devices, proptest::collection::vec(method(), 0..3)).prop_map(|(id, roles, devices, methods)| BulkImportUser {
        external_user_id: id,
        user_metadata: None,
        user_roles: roles,
        totp_devices: devices,
        login_methods: methods,
    })
}

fn context() -> impl Strategy<Value = CoreContext> {
    let features = prop_oneof![
        Just(None),
        Just(Some(vec![])),
        Just(Some(vec!["mfa".to_string()])),
        Just(Some(vec!["account_linking".to_string(), "mfa".to_string(), "multi_tenancy".to_string()])),
    ];
    let now = prop_oneof![3 => Just(Some(NOW)), 1 => Just(None)];
    (features, now).prop_map(|(features, now_ms)| CoreContext { features, now_ms, ..CoreContext::default() })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5000))]

    #[test]
    fn plainly_valid_users_are_valid_and_requests_get_the_same_verdicts(
        users in proptest::collection::vec(user(), 1..5),
        ctx in context(),
    ) {
        let mut fast = RequestValidator::new(&ctx);
        let mut full = RequestValidator::new(&ctx);
        for u in &users {
            let value = serde_json::to_value(u).unwrap();
            let expected = full.validate_user(&value);
            let got = if fast.accepts_plainly(u) {
                prop_assert!(expected.is_valid(), "plainly valid, but the core says {:?} for {}", expected.errors, value);
                expected.clone()
            } else {
                fast.validate_user(&value)
            };
            prop_assert_eq!(got, expected);
        }
    }

    #[test]
    fn the_preflight_reads_typed_users_as_it_reads_their_json(users in proptest::collection::vec(user(), 1..8)) {
        let (mut typed, mut typed_log) = (Preflight::new(), Sightings::new());
        let (mut json, mut json_log) = (Preflight::new(), Sightings::new());
        for u in &users {
            let value = serde_json::to_value(u).unwrap();
            prop_assert_eq!(typed.observe_user(u, &mut typed_log), json.observe(&value, &mut json_log));
        }
        prop_assert_eq!(typed.finish(&mut typed_log), json.finish(&mut json_log));
    }
}

#[test]
fn plain_users_take_the_fast_path() {
    let ctx = CoreContext { features: Some(vec![]), now_ms: Some(NOW), ..CoreContext::default() };
    let mut m = LoginMethod::new(RecipeId::Emailpassword);
    m.email = Some("a@x.dev".into());
    m.password_hash = Some("$2a$10$x".into());
    m.hashing_algorithm = Some("bcrypt");
    let u = BulkImportUser { external_user_id: Some("user_1".into()), user_metadata: None, user_roles: vec![], totp_devices: vec![], login_methods: vec![m] };
    let mut v = RequestValidator::new(&ctx);
    assert!(v.accepts_plainly(&u));
    assert!(!v.accepts_plainly(&u), "the same externalUserId twice in a request is not plain");
    assert_eq!(
        v.validate_user(&serde_json::to_value(&u).unwrap()).errors,
        vec!["externalUserId user_1 is not unique. It is already used by another user.".to_string()]
    );
}
