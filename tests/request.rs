//! Request-level answers of `POST /bulk-import/users` (spec §1.2): status and body text, byte
//! for byte, and the validator's robustness on arbitrary JSON.

use clerk_to_supertokens::supertokens::{validate_request, CoreContext, RequestValidator};
use proptest::prelude::*;
use serde_json::{json, Value};

fn ctx() -> CoreContext {
    CoreContext {
        features: Some(vec![]),
        roles: Some(vec![]),
        tenants: Some(vec![]),
        now_ms: Some(1),
        ..CoreContext::default()
    }
}

fn user() -> Value {
    json!({"loginMethods":[{"recipeId":"passwordless","email":"a@b.c"}]})
}

#[test]
fn users_missing_null_or_not_an_array() {
    for body in [
        json!({}),
        json!({"users":null}),
        json!({"users":{}}),
        json!({"users":"x"}),
    ] {
        let v = validate_request(&body, &ctx());
        assert_eq!(
            (v.status, v.body.as_deref()),
            (400, Some("Field name 'users' is invalid in JSON input"))
        );
        assert_eq!(v.body_json(), None);
    }
    let v = validate_request(&json!([user()]), &ctx());
    assert_eq!(
        (v.status, v.body.as_deref()),
        (400, Some("Invalid Json Input"))
    );
}

#[test]
fn empty_users_is_ok_without_users_key() {
    let v = validate_request(&json!({"users":[]}), &ctx());
    assert_eq!(
        (v.status, v.body.as_deref()),
        (200, Some(r#"{"status":"OK"}"#))
    );
    assert_eq!(v.body_json(), Some(json!({"status":"OK"})));
}

#[test]
fn more_than_10000_users() {
    let users: Vec<Value> = (0..10_001).map(|_| json!(1)).collect();
    let v = validate_request(&json!({ "users": users }), &ctx());
    assert_eq!(
        (v.status, v.body.as_deref()),
        (
            400,
            Some(r#"{"error":"You can only add 10000 users at a time."}"#)
        )
    );
    assert_eq!(
        v.body_json(),
        Some(json!({"error":"You can only add 10000 users at a time."}))
    );
    let users: Vec<Value> = (0..10_000).map(|_| user()).collect();
    let v = validate_request(&json!({ "users": users }), &ctx());
    assert_eq!((v.status, v.body.as_deref()), (200, None));
    assert!(v.is_accepted());
}

#[test]
fn invalid_users_body_lists_only_invalid_users_in_core_key_order() {
    let body = json!({"users":[{}, user(), {"loginMethods":[]}, {"userRoles":[{"role":"role2","tenantIds":["public"]}],"loginMethods":[{"recipeId":"passwordless","email":"x"}]}]});
    let v = validate_request(&body, &ctx());
    assert_eq!(v.status, 400);
    let text = r#"{"error":"Data has missing or invalid fields. Please check the users field for more details.","users":[{"index":0,"errors":["loginMethods is required."]},{"index":2,"errors":["At least one loginMethod is required."]},{"index":3,"errors":["Role role2 does not exist."]}]}"#;
    assert_eq!(v.body.as_deref(), Some(text));
    assert_eq!(
        v.body_json(),
        Some(
            json!({"error":"Data has missing or invalid fields. Please check the users field for more details.","users":[
            {"index":0,"errors":["loginMethods is required."]},
            {"index":2,"errors":["At least one loginMethod is required."]},
            {"index":3,"errors":["Role role2 does not exist."]}]})
        )
    );
    assert_eq!(v.users.len(), 4);
    assert!(v.users[1].is_valid());
}

#[test]
fn body_escapes_like_gson() {
    let body = json!({"users":[{"userRoles":[{"role":"a\u{2028}\"<b>","tenantIds":[]}],"loginMethods":[{"recipeId":"passwordless","email":"x"}]}]});
    let v = validate_request(&body, &ctx());
    assert_eq!(
        v.body.as_deref(),
        Some(
            r#"{"error":"Data has missing or invalid fields. Please check the users field for more details.","users":[{"index":0,"errors":["Role a\u2028\"<b> does not exist."]}]}"#
        )
    );
    assert_eq!(
        v.body_json().unwrap()["users"][0]["errors"][0],
        json!("Role a\u{2028}\"<b> does not exist.")
    );
}

#[test]
fn non_object_user_crashes_the_request() {
    let v = validate_request(&json!({"users":[{}, null, 5]}), &ctx());
    assert_eq!(v.status, 500);
    assert_eq!(
        v.body.as_deref(),
        Some("java.lang.IllegalStateException: Not a JSON Object: null")
    );
    assert_eq!(v.crashed_at, Some(1));
    assert_eq!(v.users.len(), 2);
}

#[test]
fn role_crash_wins_over_other_invalid_users() {
    let v = validate_request(&json!({"users":[{}, {"userRoles":[{}]}]}), &ctx());
    assert_eq!(
        (v.status, v.body.as_deref()),
        (500, Some("java.lang.NullPointerException"))
    );
    assert_eq!(
        v.users[1].errors,
        vec![
            "role is required for a user role.",
            "tenantIds is required for a user role."
        ]
    );
}

fn arb_json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("externalUserId".to_string()),
        Just("userMetadata".to_string()),
        Just("userRoles".to_string()),
        Just("totpDevices".to_string()),
        Just("loginMethods".to_string()),
        Just("recipeId".to_string()),
        Just("tenantIds".to_string()),
        Just("isPrimary".to_string()),
        Just("isVerified".to_string()),
        Just("timeJoinedInMSSinceEpoch".to_string()),
        Just("email".to_string()),
        Just("passwordHash".to_string()),
        Just("hashingAlgorithm".to_string()),
        Just("plainTextPassword".to_string()),
        Just("thirdPartyId".to_string()),
        Just("thirdPartyUserId".to_string()),
        Just("phoneNumber".to_string()),
        Just("role".to_string()),
        Just("secretKey".to_string()),
        Just("period".to_string()),
        Just("skew".to_string()),
        Just("deviceName".to_string()),
        "[a-z]{0,3}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        prop_oneof![
            Just("emailpassword"),
            Just("thirdparty"),
            Just("passwordless"),
            Just("public"),
            Just("t1"),
            Just("bcrypt"),
            Just("argon2"),
            Just("firebase_scrypt"),
            Just("$2a"),
            Just("$f_scrypt$a$b$m=1$r=2$s=x"),
            Just("+91-9999999999"),
            Just(" "),
            Just(""),
            Just("admin"),
        ]
        .prop_map(|s| Value::String(s.to_string())),
        "\\PC{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn contexts() -> Vec<CoreContext> {
    vec![
        CoreContext::default(),
        ctx(),
        CoreContext {
            features: Some(vec![
                "mfa".into(),
                "multi_tenancy".into(),
                "account_linking".into(),
            ]),
            roles: Some(vec!["admin".into()]),
            tenants: Some(vec!["t1".into()]),
            tenant_pools: Some(
                [
                    ("public".to_string(), "a".to_string()),
                    ("t1".to_string(), "b".to_string()),
                ]
                .into(),
            ),
            firebase_signer_key_set: Some(true),
            now_ms: Some(5),
        },
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_panics_and_is_deterministic(users in prop::collection::vec(arb_json(), 0..5), single in arb_json()) {
        for ctx in contexts() {
            let body = json!({ "users": users });
            let a = validate_request(&body, &ctx);
            let b = validate_request(&body, &ctx);
            prop_assert_eq!(&a, &b);
            let mut v1 = RequestValidator::new(&ctx);
            let mut v2 = RequestValidator::new(&ctx);
            prop_assert_eq!(v1.validate_user(&single), v2.validate_user(&single));
            let wrapped = json!({ "loginMethods": [single.clone()], "userRoles": [single.clone()], "totpDevices": [single.clone()] });
            prop_assert_eq!(v1.validate_user(&wrapped), v2.validate_user(&wrapped));
            if a.status == 400 {
                if let Some(body) = a.body_json() { prop_assert!(body.is_object()); }
            }
        }
    }
}
