//! The core's validation rules (spec §3, §4), one case per rule, through the public API.
//!
//! Every case asserts the complete error list, so each message is checked together with its
//! position among the others.

use clerk_to_supertokens::supertokens::{
    validate_import_user, validate_request, CoreContext, CoreCrash, RequestValidator, SkippedCheck,
};
use serde_json::{json, Value};
use std::collections::BTreeMap;

const NOW: i64 = 1_800_000_000_000;

/// Everything known and enabled: role `admin`, tenants `t1`, `t2`.
fn full() -> CoreContext {
    CoreContext {
        features: Some(vec![
            "account_linking".into(),
            "mfa".into(),
            "multi_tenancy".into(),
        ]),
        roles: Some(vec!["admin".into()]),
        tenants: Some(vec!["public".into(), "t1".into(), "t2".into()]),
        tenant_pools: None,
        firebase_signer_key_set: Some(true),
        now_ms: Some(NOW),
    }
}

/// Everything known, nothing enabled, no roles, no tenants but `public`.
fn bare() -> CoreContext {
    CoreContext {
        features: Some(vec![]),
        roles: Some(vec![]),
        tenants: Some(vec![]),
        tenant_pools: None,
        firebase_signer_key_set: Some(false),
        now_ms: Some(NOW),
    }
}

fn errors(ctx: &CoreContext, user: Value) -> Vec<String> {
    let verdict = RequestValidator::new(ctx).validate_user(&user);
    assert!(!verdict.core_would_crash, "unexpected crash: {verdict:?}");
    verdict.errors
}

fn ep() -> Value {
    json!({"recipeId":"emailpassword","email":"a@b.c","plainTextPassword":"pw"})
}

fn with(mut base: Value, extra: Value) -> Value {
    if let (Some(b), Some(e)) = (base.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    base
}

fn one(lm: Value) -> Value {
    json!({ "loginMethods": [lm] })
}

macro_rules! cases {
    ($($name:ident: $ctx:expr, $user:expr => [$($msg:expr),* $(,)?];)*) => {
        $(
            #[test]
            fn $name() {
                let expected: Vec<String> = vec![$($msg.to_string()),*];
                assert_eq!(errors(&$ctx, $user), expected);
            }
        )*
    };
}

cases! {
    // --- valid users ---
    minimal_valid_user: bare(), json!({"loginMethods":[{"recipeId":"passwordless","email":"a@b.c"}]}) => [];
    complete_valid_user: full(), json!({"externalUserId":"user_2YDryYFVMM1W1plDDKz7Gzf4we6",
        "userMetadata":{"first_name":"Jane"},
        "userRoles":[{"role":"admin","tenantIds":["public"]}],
        "totpDevices":[{"secretKey":"JBSWY3DPEHPK3PXP","period":30,"skew":1,"deviceName":"TOTP Device 0"}],
        "loginMethods":[
          {"recipeId":"emailpassword","email":"jane@example.com","passwordHash":"$2b$10$U4C0ZY8OG8y41F9LusfKyu3HRMBL0rCZcKBVsXhgr.n8Ou6FPhzO2","hashingAlgorithm":"bcrypt","isVerified":true,"isPrimary":true,"timeJoinedInMSSinceEpoch":1709294400000i64},
          {"recipeId":"thirdparty","email":"jane@example.com","thirdPartyId":"google","thirdPartyUserId":"107895751011250679587","isVerified":true,"timeJoinedInMSSinceEpoch":1709294400000i64}]}) => [];
    unknown_keys_are_ignored: bare(), json!({"id":"x","roles":[1],"userMetaData":[],"loginMethods":[with(ep(), json!({"externalUserId":[]}))]}) => [];

    // --- §4.1 user level ---
    external_user_id_type: bare(), with(one(ep()), json!({"externalUserId":5})) => ["externalUserId should be of type string."];
    external_user_id_null_is_type_error: bare(), with(one(ep()), json!({"externalUserId":null})) => ["externalUserId should be of type string."];
    external_user_id_blank_is_type_error: bare(), with(one(ep()), json!({"externalUserId":" \u{1C} "})) => ["externalUserId should be of type string."];
    external_user_id_nbsp_is_a_string: bare(), with(one(ep()), json!({"externalUserId":"\u{A0}"})) => [];
    user_metadata_type: bare(), with(one(ep()), json!({"userMetadata":[]})) => ["userMetadata should be of type object."];
    user_roles_type: full(), with(one(ep()), json!({"userRoles":[1]})) => ["userRoles should be of type array of object."];
    role_type_then_tenant_ids_required: full(), with(one(ep()), json!({"userRoles":[{"role":"admin"}]})) => ["tenantIds is required for a user role."];
    role_tenant_ids_type: full(), with(one(ep()), json!({"userRoles":[{"role":"admin","tenantIds":["t1",""]}]})) => ["tenantIds should be of type array of string for a user role."];
    role_empty_tenant_ids_is_valid: full(), with(one(ep()), json!({"userRoles":[{"role":"admin","tenantIds":[]}]})) => [];
    role_too_long_then_missing: full(), with(one(ep()), json!({"userRoles":[{"role":"r".repeat(256),"tenantIds":["public"]}]})) => [
        format!("role {} is too long. Max length is 255.", "r".repeat(256)),
        format!("Role {} does not exist.", "r".repeat(256))];
    role_length_counts_utf16: full(), with(one(ep()), json!({"userRoles":[{"role":"😀".repeat(128),"tenantIds":["public"]}]})) => [
        format!("role {} is too long. Max length is 255.", "😀".repeat(128)),
        format!("Role {} does not exist.", "😀".repeat(128))];
    role_is_trimmed_for_existence: full(), with(one(ep()), json!({"userRoles":[{"role":" admin\t","tenantIds":["public"]}]})) => [];
    role_does_not_exist_shows_trimmed: bare(), with(one(ep()), json!({"userRoles":[{"role":" role1 ","tenantIds":["public"]}]})) => ["Role role1 does not exist."];

    // --- §4.2 TOTP ---
    totp_type: full(), with(one(ep()), json!({"totpDevices":{}})) => ["totpDevices should be of type array of object."];
    totp_empty_needs_mfa: bare(), with(one(ep()), json!({"totpDevices":[]})) => ["MFA must be enabled to import totp devices."];
    totp_without_mfa_checks_no_device: bare(), with(one(ep()), json!({"totpDevices":[{"period":"x"}]})) => ["MFA must be enabled to import totp devices."];
    totp_field_types_in_order: full(), with(one(ep()), json!({"totpDevices":[{"period":"1","skew":true,"deviceName":""}]})) => [
        "secretKey is required for a totp device.",
        "period should be of type integer for a totp device.",
        "skew should be of type integer for a totp device.",
        "deviceName should be of type string for a totp device."];
    totp_secret_type: full(), with(one(ep()), json!({"totpDevices":[{"secretKey":1}]})) => ["secretKey should be of type string for a totp device."];
    totp_value_checks_in_order: full(), with(one(ep()), json!({"totpDevices":[{"secretKey":"s".repeat(257),"period":0,"skew":-1,"deviceName":"d".repeat(257)}]})) => [
        format!("TOTP secretKey {} is too long. Max length is 256.", "s".repeat(257)),
        "period should be > 0 for a totp device.",
        "skew should be >= 0 for a totp device.",
        format!("TOTP deviceName {} is too long. Max length is 256.", "d".repeat(257))];
    totp_period_narrowing: full(), with(one(ep()), json!({"totpDevices":[{"secretKey":"s","period":0.5,"skew":4294967326u64}]})) => ["period should be > 0 for a totp device."];
    totp_period_fraction_truncates: full(), with(one(ep()), json!({"totpDevices":[{"secretKey":"s","period":30.7,"skew":-0.9}]})) => [];

    // --- §4.3 tenants ---
    tenant_without_multitenancy: bare(), one(with(ep(), json!({"tenantIds":["t1","public"]}))) => ["Multitenancy must be enabled before importing users to a different tenant."];
    tenant_public_is_case_sensitive: bare(), one(with(ep(), json!({"tenantIds":["PUBLIC"]}))) => [
        "Multitenancy must be enabled before importing users to a different tenant.",
        "LoginMethod '{\"tenantIds\":[],\"isVerified\":false,\"isPrimary\":false,\"timeJoinedInMSSinceEpoch\":1800000000000,\"recipeId\":\"emailpassword\",\"email\":\"a@b.c\",\"plainTextPassword\":\"pw\",\"superTokensUserId\":\"00000000-0000-0000-0000-000000000000\"}' has no tenantId"];
    tenant_normalised_for_existence: full(), one(with(ep(), json!({"tenantIds":[" T1 "]}))) => [];
    tenant_unknown_shows_original: full(), one(with(ep(), json!({"tenantIds":["public"," T3 "]}))) => ["Invalid tenantId:  T3  for emailpassword recipe."];
    tenant_suffix_uses_raw_unknown_recipe: full(), one(json!({"recipeId":"EmailPassword","tenantIds":["t3"]})) => [
        "Invalid recipeId for loginMethod. Pass one of emailpassword, thirdparty or, passwordless!",
        "Invalid tenantId: t3 for EmailPassword recipe."];
    tenant_suffix_null_recipe: full(), one(json!({"tenantIds":["t3"]})) => [
        "recipeId is required for a loginMethod.",
        "Invalid tenantId: t3 for null recipe."];
    tenant_suffix_null_for_invalid_recipe_type: full(), one(json!({"recipeId":1,"tenantIds":["t3"]})) => [
        "recipeId should be of type string for a loginMethod.",
        "Invalid tenantId: t3 for null recipe."];
    role_tenant_invalid: full(), with(one(ep()), json!({"userRoles":[{"role":"admin","tenantIds":["t9"]}]})) => ["Invalid tenantId: t9 for a user role."];
    role_tenant_not_in_login_methods: full(), with(one(ep()), json!({"userRoles":[{"role":"admin","tenantIds":["public","T1"]}]})) => ["TenantId t1 for a user role does not exist in loginMethods."];
    role_tenant_in_login_methods: full(), with(one(with(ep(), json!({"tenantIds":["t1"]}))), json!({"userRoles":[{"role":"admin","tenantIds":[" t1"]}]})) => [];
    role_tenant_without_login_methods: full(), json!({"userRoles":[{"role":"admin","tenantIds":["t1"]}]}) => [
        "loginMethods is required.",
        "TenantId t1 for a user role does not exist in loginMethods."];

    // --- §4.4 login methods ---
    login_methods_required: bare(), json!({}) => ["loginMethods is required."];
    login_methods_type: bare(), json!({"loginMethods":[ep(), 1]}) => ["loginMethods should be of type array of object."];
    login_methods_null: bare(), json!({"loginMethods":null}) => ["loginMethods should be of type array of object."];
    login_methods_empty: bare(), json!({"loginMethods":[]}) => ["At least one loginMethod is required."];
    multiple_without_linking: bare(), json!({"loginMethods":[ep(), ep()]}) => ["Account linking must be enabled to import multiple loginMethods."];
    multiple_with_mfa_only: CoreContext { features: Some(vec!["mfa".into()]), ..bare() }, json!({"loginMethods":[ep(), ep()]}) => [];
    two_primaries: full(), json!({"loginMethods":[with(ep(), json!({"isPrimary":true})), with(ep(), json!({"isPrimary":"true"})), with(ep(), json!({"isPrimary":true})), with(ep(), json!({"isPrimary":true}))]}) => [
        "No two loginMethods can have isPrimary as true.",
        "No two loginMethods can have isPrimary as true.",
        "isPrimary should be of type boolean for a loginMethod."];
    linking_error_before_primary_error: bare(), json!({"loginMethods":[with(ep(), json!({"isPrimary":true})), with(ep(), json!({"isPrimary":true}))]}) => [
        "Account linking must be enabled to import multiple loginMethods.",
        "No two loginMethods can have isPrimary as true."];
    recipe_required: bare(), one(json!({})) => ["recipeId is required for a loginMethod."];
    recipe_invalid_value: bare(), one(json!({"recipeId":"webauthn","email":5})) => ["Invalid recipeId for loginMethod. Pass one of emailpassword, thirdparty or, passwordless!"];
    login_method_types_in_order: bare(), one(json!({"recipeId":[],"tenantIds":{},"isPrimary":[],"isVerified":[],"timeJoinedInMSSinceEpoch":[]})) => [
        "recipeId should be of type string for a loginMethod.",
        "tenantIds should be of type array of string for a loginMethod.",
        "isVerified should be of type boolean for a loginMethod.",
        "isPrimary should be of type boolean for a loginMethod.",
        "timeJoinedInMSSinceEpoch should be of type integer for a loginMethod"];
    invalid_tenant_ids_default_to_public: bare(), one(with(ep(), json!({"tenantIds":"t1"}))) => ["tenantIds should be of type array of string for a loginMethod."];
    time_joined_in_future: bare(), one(with(ep(), json!({"timeJoinedInMSSinceEpoch":NOW + 1}))) => ["timeJoined cannot be in future for a loginMethod."];
    time_joined_now_is_fine: bare(), one(with(ep(), json!({"timeJoinedInMSSinceEpoch":NOW}))) => [];
    time_joined_negative: bare(), one(with(ep(), json!({"timeJoinedInMSSinceEpoch":-1}))) => ["timeJoined cannot be < 0 for a loginMethod."];
    time_joined_minus_half_is_zero: bare(), one(with(ep(), json!({"timeJoinedInMSSinceEpoch":-0.5}))) => [];
    time_joined_exponent: bare(), one(with(ep(), json!({"timeJoinedInMSSinceEpoch":1.7e12}))) => [];
    time_joined_wraps_to_negative: bare(), one(with(ep(), json!({"timeJoinedInMSSinceEpoch":u64::MAX}))) => ["timeJoined cannot be < 0 for a loginMethod."];
    time_joined_after_tenants: bare(), one(with(ep(), json!({"tenantIds":["t1"],"timeJoinedInMSSinceEpoch":-5}))) => [
        "Multitenancy must be enabled before importing users to a different tenant.",
        "timeJoined cannot be < 0 for a loginMethod.",
        "LoginMethod '{\"tenantIds\":[],\"isVerified\":false,\"isPrimary\":false,\"timeJoinedInMSSinceEpoch\":-5,\"recipeId\":\"emailpassword\",\"email\":\"a@b.c\",\"plainTextPassword\":\"pw\",\"superTokensUserId\":\"00000000-0000-0000-0000-000000000000\"}' has no tenantId"];

    // --- emailpassword ---
    ep_types_in_order: bare(), one(json!({"recipeId":"emailpassword","email":[],"passwordHash":[],"hashingAlgorithm":[]})) => [
        "email should be of type string for an emailpassword recipe.",
        "passwordHash should be of type string for an emailpassword recipe.",
        "hashingAlgorithm should be of type string for an emailpassword recipe.",
        "Either (passwordHash, hashingAlgorithm) or plainTextPassword is required for an emailpassword recipe."];
    ep_email_required: bare(), one(json!({"recipeId":"emailpassword","plainTextPassword":"x"})) => ["email is required for an emailpassword recipe."];
    ep_plain_password_type: bare(), one(json!({"recipeId":"emailpassword","email":"a@b.c","plainTextPassword":" "})) => [
        "plainTextPassword should be of type string for an emailpassword recipe.",
        "Either (passwordHash, hashingAlgorithm) or plainTextPassword is required for an emailpassword recipe."];
    ep_hash_without_algorithm: bare(), one(json!({"recipeId":"emailpassword","email":"a@b.c","passwordHash":"$2a"})) => ["Either (passwordHash, hashingAlgorithm) or plainTextPassword is required for an emailpassword recipe."];
    ep_hash_without_algorithm_but_plain_is_unchecked: bare(), one(json!({"recipeId":"emailpassword","email":"a@b.c","passwordHash":"garbage","plainTextPassword":"pw"})) => [];
    ep_unknown_algorithm_counts_as_present: bare(), one(json!({"recipeId":"emailpassword","email":"a@b.c","passwordHash":"x","hashingAlgorithm":"md5"})) => ["Invalid hashingAlgorithm for emailpassword recipe. Pass one of bcrypt, argon2 or, firebase_scrypt!"];
    ep_algorithm_checked_without_hash: bare(), one(json!({"recipeId":"emailpassword","email":"a@b.c","hashingAlgorithm":"md5","plainTextPassword":"pw"})) => ["Invalid hashingAlgorithm for emailpassword recipe. Pass one of bcrypt, argon2 or, firebase_scrypt!"];
    ep_order_either_email_algorithm: bare(), one(json!({"recipeId":"emailpassword","email":"e".repeat(256),"hashingAlgorithm":"md5"})) => [
        "Either (passwordHash, hashingAlgorithm) or plainTextPassword is required for an emailpassword recipe.",
        format!("email {} is too long. Max length is 256.", "e".repeat(256)),
        "Invalid hashingAlgorithm for emailpassword recipe. Pass one of bcrypt, argon2 or, firebase_scrypt!"];
    ep_email_255_is_fine: bare(), one(json!({"recipeId":"emailpassword","email":"e".repeat(255),"plainTextPassword":"pw"})) => [];
    ep_hash_too_long_then_format: bare(), one(json!({"recipeId":"emailpassword","email":"a@b.c","passwordHash":"x".repeat(257),"hashingAlgorithm":"bcrypt"})) => [
        "passwordHash is too long. Max length is 256.",
        "Password hash is in invalid BCrypt format"];
    ep_bcrypt_prefix_after_trim: bare(), one(json!({"recipeId":"emailpassword","email":"a@b.c","passwordHash":" $2a ","hashingAlgorithm":" BCrypt "})) => [];
    ep_argon2_format: bare(), one(json!({"recipeId":"emailpassword","email":"a@b.c","passwordHash":"$argon3","hashingAlgorithm":"argon2"})) => ["Password hash is in invalid Argon2 format"];
    ep_argon2_ok: bare(), one(json!({"recipeId":"emailpassword","email":"a@b.c","passwordHash":"$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA","hashingAlgorithm":"argon2"})) => [];
    ep_firebase_format: full(), one(json!({"recipeId":"emailpassword","email":"a@b.c","passwordHash":"$f_scrypt$h$s$m=14$r=8","hashingAlgorithm":"firebase_scrypt"})) => ["Password hash is in invalid Firebase SCrypt format"];
    ep_firebase_ok: full(), one(json!({"recipeId":"emailpassword","email":"a@b.c","passwordHash":"$f_scrypt$9Y8ICWcqbzmI42DxV1jpyEjbrJPG8EQ6nI6oC32JYz+/dd7aEjI/R7jG9P5kYh8v9gyqFKaXMDzMg7eLCypbOA==$/cj0jC1br5o4+w==$m=14$r=8$s=Bw==","hashingAlgorithm":"firebase_scrypt"})) => [];

    // --- thirdparty ---
    tp_required_in_order: bare(), one(json!({"recipeId":"thirdparty"})) => [
        "email is required for a thirdparty recipe.",
        "thirdPartyId is required for a thirdparty recipe.",
        "thirdPartyUserId is required for a thirdparty recipe."];
    tp_types: bare(), one(json!({"recipeId":"thirdparty","email":1,"thirdPartyId":"","thirdPartyUserId":null})) => [
        "email should be of type string for a thirdparty recipe.",
        "thirdPartyId should be of type string for a thirdparty recipe.",
        "thirdPartyUserId should be of type string for a thirdparty recipe."];
    tp_lengths_in_order: bare(), one(json!({"recipeId":"thirdparty","email":"e".repeat(256),"thirdPartyId":"p".repeat(29),"thirdPartyUserId":"u".repeat(257)})) => [
        format!("email {} is too long. Max length is 256.", "e".repeat(256)),
        format!("thirdPartyId {} is too long. Max length is 28.", "p".repeat(29)),
        format!("thirdPartyUserId {} is too long. Max length is 256.", "u".repeat(257))];
    tp_limits_are_inclusive: bare(), one(json!({"recipeId":"thirdparty","email":"e","thirdPartyId":"p".repeat(28),"thirdPartyUserId":"u".repeat(256)})) => [];

    // --- passwordless ---
    pl_needs_email_or_phone: bare(), one(json!({"recipeId":"passwordless"})) => ["Either email or phoneNumber is required for a passwordless recipe."];
    pl_blank_values_count_as_absent: bare(), one(json!({"recipeId":"passwordless","email":" ","phoneNumber":""})) => [
        "email should be of type string for a passwordless recipe.",
        "phoneNumber should be of type string for a passwordless recipe.",
        "Either email or phoneNumber is required for a passwordless recipe."];
    pl_lengths_in_order: bare(), one(json!({"recipeId":"passwordless","email":"e".repeat(256),"phoneNumber":"1".repeat(257)})) => [
        format!("email {} is too long. Max length is 256.", "e".repeat(256)),
        format!("phoneNumber {} is too long. Max length is 256.", "1".repeat(257))];
    pl_phone_only: bare(), one(json!({"recipeId":"passwordless","phoneNumber":"+91-9999999999"})) => [];

    // --- §4.5 finishing ---
    external_id_too_long: bare(), with(one(ep()), json!({"externalUserId":"x".repeat(129)})) => [format!("externalUserId {} is too long. Max length is 128.", "x".repeat(129))];
    external_id_128_fine: bare(), with(one(ep()), json!({"externalUserId":"x".repeat(128)})) => [];
    external_id_after_login_methods: bare(), json!({"externalUserId":"x".repeat(129),"loginMethods":[]}) => [
        "At least one loginMethod is required.",
        format!("externalUserId {} is too long. Max length is 128.", "x".repeat(129))];
    same_database_across_methods: CoreContext { tenant_pools: Some(BTreeMap::from([("public".to_string(), "a".to_string()), ("t1".to_string(), "b".to_string()), ("t2".to_string(), "b".to_string())])), ..full() },
        json!({"loginMethods":[with(ep(), json!({"tenantIds":["public"]})), json!({"recipeId":"passwordless","email":"a@b.c","tenantIds":["t1","t2"]}), json!({"recipeId":"thirdparty","email":"a@b.c","thirdPartyId":"g","thirdPartyUserId":"1","tenantIds":["t2","public"]})]}) => [
        "All tenants for a user must share the same database for passwordless recipe.",
        "All tenants for a user must share the same database for thirdparty recipe."];
    same_database_within_pool: CoreContext { tenant_pools: Some(BTreeMap::from([("public".to_string(), "a".to_string()), ("t1".to_string(), "a".to_string())])), ..full() },
        one(with(ep(), json!({"tenantIds":["public","t1"]}))) => [];
    no_tenant_after_role_check: full(), with(one(with(ep(), json!({"tenantIds":[], "isVerified":true}))), json!({"userRoles":[{"role":"admin","tenantIds":["t1"]}]})) => [
        "TenantId t1 for a user role does not exist in loginMethods.",
        "LoginMethod '{\"tenantIds\":[],\"isVerified\":true,\"isPrimary\":false,\"timeJoinedInMSSinceEpoch\":1800000000000,\"recipeId\":\"emailpassword\",\"email\":\"a@b.c\",\"plainTextPassword\":\"pw\",\"superTokensUserId\":\"00000000-0000-0000-0000-000000000000\"}' has no tenantId"];

    // --- §4.6 worked examples ---
    worked_example_user_level_types: bare(), json!({"externalUserId":[],"userMetaData":[],"userRoles":{},"totpDevices":{}}) => [
        "externalUserId should be of type string.",
        "userRoles should be of type array of object.",
        "totpDevices should be of type array of object.",
        "loginMethods is required."];
    worked_example_totp_without_mfa: bare(), json!({"totpDevices":[{"secret":"secret"}]}) => [
        "MFA must be enabled to import totp devices.",
        "loginMethods is required."];

    // --- several errors at once, across every level ---
    many_errors_in_core_order: bare(), json!({
        "externalUserId": "x".repeat(129),
        "userMetadata": "meta",
        "userRoles": [{"role":"r1","tenantIds":["t1"]}],
        "totpDevices": [],
        "loginMethods": [
            {"recipeId":"emailpassword","email":"a@b.c","isPrimary":true,"tenantIds":["t1"],"timeJoinedInMSSinceEpoch":NOW + 5},
            {"recipeId":"passwordless","isPrimary":true,"isVerified":"yes"}
        ]}) => [
        "userMetadata should be of type object.",
        "Role r1 does not exist.",
        "Multitenancy must be enabled before importing users to a different tenant.",
        "MFA must be enabled to import totp devices.",
        "Account linking must be enabled to import multiple loginMethods.",
        "No two loginMethods can have isPrimary as true.",
        "Multitenancy must be enabled before importing users to a different tenant.",
        "timeJoined cannot be in future for a loginMethod.",
        "Either (passwordHash, hashingAlgorithm) or plainTextPassword is required for an emailpassword recipe.",
        "isVerified should be of type boolean for a loginMethod.",
        "Either email or phoneNumber is required for a passwordless recipe.",
        format!("externalUserId {} is too long. Max length is 128.", "x".repeat(129)),
        "LoginMethod '{\"tenantIds\":[],\"isVerified\":false,\"isPrimary\":true,\"timeJoinedInMSSinceEpoch\":1800000000005,\"recipeId\":\"emailpassword\",\"email\":\"a@b.c\",\"superTokensUserId\":\"00000000-0000-0000-0000-000000000000\"}' has no tenantId"];
}

#[test]
fn worked_example_external_id_uniqueness_across_request() {
    let body = json!({"users":[{"externalUserId":"id1"},{"externalUserId":"id1"}]});
    let v = validate_request(&body, &bare());
    assert_eq!(v.status, 400);
    assert_eq!(v.users[0].errors, vec!["loginMethods is required."]);
    assert_eq!(
        v.users[1].errors,
        vec![
            "loginMethods is required.",
            "externalUserId id1 is not unique. It is already used by another user."
        ]
    );
}

#[test]
fn external_id_uniqueness_is_on_raw_values() {
    let ctx = bare();
    let mut v = RequestValidator::new(&ctx);
    let u = |id: &str| with(one(ep()), json!({ "externalUserId": id }));
    assert!(v.validate_user(&u("id1")).is_valid());
    assert!(v.validate_user(&u(" id1")).is_valid());
    assert_eq!(
        v.validate_user(&u("id1")).errors,
        vec!["externalUserId id1 is not unique. It is already used by another user."]
    );
}

#[test]
fn worked_example_login_method_field_types() {
    let user = json!({"loginMethods":[{"recipeId":[],"tenantIds":{},"isPrimary":[],"isVerified":[],"timeJoinedInMSSinceEpoch":[]}]});
    assert_eq!(
        errors(&bare(), user),
        vec![
            "recipeId should be of type string for a loginMethod.",
            "tenantIds should be of type array of string for a loginMethod.",
            "isVerified should be of type boolean for a loginMethod.",
            "isPrimary should be of type boolean for a loginMethod.",
            "timeJoinedInMSSinceEpoch should be of type integer for a loginMethod"
        ]
    );
}

#[test]
fn worked_example_import_user_should_return_400() {
    // ImportUserTest.shouldReturn400Error: MT+MFA+AL, no roles, no tenant t1.
    let ctx = CoreContext {
        features: Some(vec![
            "multi_tenancy".into(),
            "mfa".into(),
            "account_linking".into(),
        ]),
        roles: Some(vec![]),
        tenants: Some(vec![]),
        ..bare()
    };
    let t = json!(["public", "t1"]);
    let user = json!({
    "userRoles": [{"role":"role1","tenantIds":t}, {"role":"role2","tenantIds":t}],
    "loginMethods": [
        {"recipeId":"emailpassword","email":"a@b.c","passwordHash":"$2a","hashingAlgorithm":"bcrypt","tenantIds":t},
        {"recipeId":"thirdparty","email":"a@b.c","thirdPartyId":"g","thirdPartyUserId":"1","tenantIds":t},
        {"recipeId":"passwordless","email":"a@b.c","tenantIds":t}
    ]});
    let v = validate_import_user(&user, &ctx);
    let expected = [
        "Role role1 does not exist.",
        "Invalid tenantId: t1 for a user role.",
        "Role role2 does not exist.",
        "Invalid tenantId: t1 for a user role.",
        "Invalid tenantId: t1 for emailpassword recipe.",
        "Invalid tenantId: t1 for thirdparty recipe.",
        "Invalid tenantId: t1 for passwordless recipe.",
    ];
    assert_eq!(v.status, 400);
    assert_eq!(
        v.user.as_ref().map(|u| u.errors.clone()),
        Some(expected.map(String::from).to_vec())
    );
    assert_eq!(v.body_json(), Some(json!({ "errors": expected })));
    assert_eq!(
        v.body.as_deref(),
        Some(
            r#"{"errors":["Role role1 does not exist.","Invalid tenantId: t1 for a user role.","Role role2 does not exist.","Invalid tenantId: t1 for a user role.","Invalid tenantId: t1 for emailpassword recipe.","Invalid tenantId: t1 for thirdparty recipe.","Invalid tenantId: t1 for passwordless recipe."]}"#
        )
    );
}

#[test]
fn import_of_unknown_recipe_matches_core_test() {
    let v = validate_import_user(&one(json!({"recipeId":"webauthn"})), &full());
    assert_eq!(
        v.body.as_deref(),
        Some(
            r#"{"errors":["Invalid recipeId for loginMethod. Pass one of emailpassword, thirdparty or, passwordless!"]}"#
        )
    );
    let ok = validate_import_user(&one(ep()), &full());
    assert_eq!((ok.status, ok.body), (200, None));
    let not_object = validate_import_user(&json!([]), &full());
    assert_eq!(
        (not_object.status, not_object.body.as_deref()),
        (400, Some("Invalid Json Input"))
    );
}

#[test]
fn missing_role_is_a_crash_reporting_the_messages_so_far() {
    let ctx = full();
    let user = with(
        one(ep()),
        json!({"externalUserId":1,"userRoles":[{"tenantIds":"x"}]}),
    );
    let v = RequestValidator::new(&ctx).validate_user(&user);
    assert!(v.core_would_crash && !v.is_valid());
    assert_eq!(v.crash, Some(CoreCrash::RoleMissing));
    assert_eq!(
        v.errors,
        vec![
            "externalUserId should be of type string.",
            "role is required for a user role.",
            "tenantIds should be of type array of string for a user role."
        ]
    );
    let blank = with(
        one(ep()),
        json!({"userRoles":[{"role":" ","tenantIds":[]}]}),
    );
    let v = RequestValidator::new(&ctx).validate_user(&blank);
    assert_eq!(
        v.errors,
        vec!["role should be of type string for a user role."]
    );
    assert!(v.core_would_crash);
}

#[test]
fn firebase_without_signer_key_is_a_crash() {
    let user = one(
        json!({"recipeId":"emailpassword","email":"a@b.c","passwordHash":"x","hashingAlgorithm":"firebase_scrypt"}),
    );
    let v = validate_request(
        &json!({ "users": [one(ep()), user.clone(), one(ep())] }),
        &bare(),
    );
    assert_eq!(v.status, 500);
    assert_eq!(
        v.body.as_deref(),
        Some("java.lang.IllegalStateException: 'firebase_password_hashing_signer_key' cannot be null")
    );
    assert_eq!(v.crashed_at, Some(1));
    assert_eq!(v.users.len(), 2);
    assert_eq!(v.users[1].crash, Some(CoreCrash::FirebaseSignerKeyMissing));
    // Unknown key state: the grammar is checked and the crash check is reported skipped.
    let unknown = CoreContext {
        firebase_signer_key_set: None,
        ..bare()
    };
    let v = RequestValidator::new(&unknown).validate_user(&user);
    assert_eq!(
        v.errors,
        vec!["Password hash is in invalid Firebase SCrypt format"]
    );
    let mut rv = RequestValidator::new(&unknown);
    rv.validate_user(&user);
    assert_eq!(rv.skipped_checks(), vec![SkippedCheck::FirebaseSignerKey]);
}

#[test]
fn unknown_context_skips_exactly_the_checks_that_need_it() {
    let ctx = CoreContext::default();
    let mut v = RequestValidator::new(&ctx);
    let user = json!({
        "userRoles":[{"role":"ghost","tenantIds":["t7"]}],
        "totpDevices":[{"secretKey":"s","period":0}],
        "loginMethods":[
            with(ep(), json!({"tenantIds":["t7","public"],"timeJoinedInMSSinceEpoch":99999999999999i64})),
            json!({"recipeId":"passwordless","email":"a@b.c"})]});
    // Checks that need no context still run.
    assert_eq!(
        v.validate_user(&user).errors,
        vec!["period should be > 0 for a totp device."]
    );
    assert_eq!(
        v.skipped_checks(),
        vec![
            SkippedCheck::MfaFeature,
            SkippedCheck::AccountLinkingFeature,
            SkippedCheck::MultiTenancyFeature,
            SkippedCheck::TenantExists,
            SkippedCheck::RoleExists,
            SkippedCheck::SameDatabase,
            SkippedCheck::TimeJoinedInFuture,
        ]
    );
    let mut quiet = RequestValidator::new(&ctx);
    quiet.validate_user(&one(ep()));
    assert_eq!(quiet.skipped_checks(), vec![]);
}

#[test]
fn non_object_user_is_a_crash() {
    let ctx = full();
    let v = RequestValidator::new(&ctx).validate_user(&json!("abc"));
    assert!(v.core_would_crash && v.errors.is_empty());
    assert_eq!(
        v.crash.map(|c| c.core_text()),
        Some(r#"java.lang.IllegalStateException: Not a JSON Object: "abc""#.to_string())
    );
}
