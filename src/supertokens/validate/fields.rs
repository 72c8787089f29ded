//! The core's field type checks (`JsonValidatorUtils`, spec §3).
//!
//! Every field goes through one of these readers. They append the core's message on a type
//! error or a missing required key, and return `None` in both cases, so the caller treats the
//! field as absent and applies the default, as the core does.

use serde_json::{Map, Number, Value};

use crate::supertokens::java;

type Object = Map<String, Value>;

/// Reads a field the way `parseAndValidateFieldType` does, for one expected type.
///
/// `suffix` is the context suffix of §3 (`.`, ` for a loginMethod.`, ...).
pub(crate) struct FieldReader<'o, 'e> {
    pub object: &'o Object,
    pub errors: &'e mut Vec<String>,
}

impl<'o> FieldReader<'o, '_> {
    /// Looks `key` up; on a missing required key, appends `<key> is required<suffix>`.
    fn present(&mut self, key: &str, required: bool, suffix: &str) -> Option<&'o Value> {
        let value = self.object.get(key);
        if value.is_none() && required {
            self.errors.push(format!("{key} is required{suffix}"));
        }
        value
    }

    fn type_error(&mut self, key: &str, label: &str, suffix: &str) {
        self.errors
            .push(format!("{key} should be of type {label}{suffix}"));
    }

    /// STRING: a JSON string that is not Java-blank.
    pub fn string(&mut self, key: &str, required: bool, suffix: &str) -> Option<&'o str> {
        let value = self.present(key, required, suffix)?;
        match value.as_str() {
            Some(s) if !java::is_blank(s) => Some(s),
            _ => {
                self.type_error(key, "string", suffix);
                None
            }
        }
    }

    /// INTEGER: any JSON number, narrowed to `int` as Gson does.
    pub fn integer(&mut self, key: &str, suffix: &str) -> Option<i32> {
        self.number(key, suffix)
            .map(|n| low_bits_of_truncation(n) as u32 as i32)
    }

    /// LONG: any JSON number, narrowed to `long` as Gson does (message label `integer`).
    pub fn long(&mut self, key: &str, suffix: &str) -> Option<i64> {
        self.number(key, suffix)
            .map(|n| low_bits_of_truncation(n) as i64)
    }

    fn number(&mut self, key: &str, suffix: &str) -> Option<&'o Number> {
        let value = self.present(key, false, suffix)?;
        match value {
            Value::Number(n) => Some(n),
            _ => {
                self.type_error(key, "integer", suffix);
                None
            }
        }
    }

    /// BOOLEAN: `true` or `false` only.
    pub fn boolean(&mut self, key: &str, suffix: &str) -> Option<bool> {
        let value = self.present(key, false, suffix)?;
        match value {
            Value::Bool(b) => Some(*b),
            _ => {
                self.type_error(key, "boolean", suffix);
                None
            }
        }
    }

    /// OBJECT: a JSON object.
    pub fn object(&mut self, key: &str, suffix: &str) -> Option<&'o Object> {
        let value = self.present(key, false, suffix)?;
        match value {
            Value::Object(o) => Some(o),
            _ => {
                self.type_error(key, "object", suffix);
                None
            }
        }
    }

    /// ARRAY_OF_STRING: an array of non-blank strings (`[]` is valid).
    pub fn array_of_string(&mut self, key: &str, required: bool, suffix: &str) -> Option<&'o [Value]> {
        self.array_of(key, required, suffix, "array of string", |e| e.as_str().is_some_and(|s| !java::is_blank(s)))
    }

    /// ARRAY_OF_OBJECT: an array of objects (`[]` is valid).
    pub fn array_of_object(&mut self, key: &str, required: bool, suffix: &str) -> Option<&'o [Value]> {
        self.array_of(key, required, suffix, "array of object", Value::is_object)
    }

    /// An array whose every element is `ok`, else the core's type error naming `type_name`.
    fn array_of(&mut self, key: &str, required: bool, suffix: &str, type_name: &str, ok: impl Fn(&Value) -> bool) -> Option<&'o [Value]> {
        match self.present(key, required, suffix)? {
            Value::Array(a) if a.iter().all(ok) => Some(a),
            _ => {
                self.type_error(key, type_name, suffix);
                None
            }
        }
    }
}

const TWO_POW_63: f64 = (1u64 << 63) as f64;

/// The low 64 bits (two's complement) of the number truncated toward zero.
///
/// Gson's `LazilyParsedNumber.intValue()` / `longValue()` parse as `int`, else as `long` and
/// cast, else as `BigDecimal` and narrow; all three keep the low bits of the truncated integer
/// (spec §3, "Number narrowing"). A number serde_json holds as `f64` (a fraction, an exponent,
/// or beyond `u64`) is truncated from its exact binary value; for integers beyond 2^53 written
/// in the JSON text that can differ from Java, which sees the decimal digits (documented).
pub(crate) fn low_bits_of_truncation(n: &Number) -> u64 {
    if let Some(i) = n.as_i64() {
        return i as u64;
    }
    if let Some(u) = n.as_u64() {
        return u;
    }
    let f = n.as_f64().unwrap_or(0.0).trunc();
    if f.abs() < TWO_POW_63 {
        return f as i64 as u64;
    }
    // |f| >= 2^63: an integer mantissa times a power of two >= 2^11.
    let bits = f.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32 - 1075;
    let mantissa = (bits & ((1u64 << 52) - 1)) | (1u64 << 52);
    let magnitude = if (0..64).contains(&exponent) {
        ((mantissa as u128) << exponent) as u64
    } else {
        0
    };
    if f.is_sign_negative() {
        magnitude.wrapping_neg()
    } else {
        magnitude
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read<T>(v: Value, f: impl FnOnce(&mut FieldReader) -> T) -> (T, Vec<String>) {
        let mut errors = Vec::new();
        let object = v.as_object().cloned().unwrap_or_default();
        let out = f(&mut FieldReader {
            object: &object,
            errors: &mut errors,
        });
        (out, errors)
    }

    #[test]
    fn null_and_blank_are_type_errors_missing_is_required() {
        let (v, e) = read(json!({"k": null}), |r| {
            r.string("k", false, ".").map(str::to_owned)
        });
        assert_eq!(
            (v, e),
            (None, vec!["k should be of type string.".to_string()])
        );
        let (v, e) = read(json!({"k": " \u{1C}"}), |r| {
            r.string("k", true, ".").map(str::to_owned)
        });
        assert_eq!(
            (v, e),
            (None, vec!["k should be of type string.".to_string()])
        );
        let (v, e) = read(json!({"k": "\u{A0}"}), |r| {
            r.string("k", true, ".").map(str::to_owned)
        });
        assert_eq!((v, e), (Some("\u{A0}".to_string()), vec![]));
        let (v, e) = read(json!({}), |r| {
            r.string("k", true, " for x").map(str::to_owned)
        });
        assert_eq!((v, e), (None, vec!["k is required for x".to_string()]));
        let (v, e) = read(json!({}), |r| r.string("k", false, ".").map(str::to_owned));
        assert_eq!((v, e), (None, vec![]));
    }

    #[test]
    fn arrays_check_every_element() {
        let (v, e) = read(json!({"k": ["a", " "]}), |r| {
            r.array_of_string("k", false, ".").is_some()
        });
        assert_eq!(
            (v, e),
            (
                false,
                vec!["k should be of type array of string.".to_string()]
            )
        );
        let (v, _) = read(json!({"k": []}), |r| {
            r.array_of_object("k", true, ".").is_some()
        });
        assert!(v);
        let (v, e) = read(json!({"k": [{}, 1]}), |r| {
            r.array_of_object("k", true, ".").is_some()
        });
        assert_eq!(
            (v, e),
            (
                false,
                vec!["k should be of type array of object.".to_string()]
            )
        );
    }

    #[test]
    fn numbers_narrow_like_gson() {
        let int = |v: Value| read(json!({ "k": v }), |r| r.integer("k", ".")).0;
        let long = |v: Value| read(json!({ "k": v }), |r| r.long("k", ".")).0;
        assert_eq!(int(json!(30.7)), Some(30));
        assert_eq!(int(json!(0.5)), Some(0));
        assert_eq!(int(json!(-1.9)), Some(-1));
        assert_eq!(int(json!(4294967326u64)), Some(30));
        assert_eq!(int(json!(2147483648u64)), Some(i32::MIN));
        assert_eq!(int(json!(u64::MAX)), Some(-1));
        assert_eq!(long(json!(-0.5)), Some(0));
        assert_eq!(long(json!(1.7e12)), Some(1_700_000_000_000));
        assert_eq!(long(json!(u64::MAX)), Some(-1));
        // 2^64 + 2^12 is exact in f64; its low 64 bits are 4096.
        assert_eq!(long(json!(18446744073709555712.0)), Some(4096));
        assert_eq!(long(json!(-18446744073709555712.0)), Some(-4096));
        assert_eq!(long(json!(1e300)), Some(0));
        let (v, e) = read(json!({"k": "5"}), |r| r.long("k", " for a loginMethod"));
        assert_eq!(
            (v, e),
            (
                None,
                vec!["k should be of type integer for a loginMethod".to_string()]
            )
        );
    }

    #[test]
    fn booleans_and_objects_are_strict() {
        let (v, e) = read(json!({"k": "true"}), |r| r.boolean("k", "."));
        assert_eq!(
            (v, e),
            (None, vec!["k should be of type boolean.".to_string()])
        );
        let (v, e) = read(json!({"k": []}), |r| r.object("k", ".").is_some());
        assert_eq!(
            (v, e),
            (false, vec!["k should be of type object.".to_string()])
        );
    }
}
