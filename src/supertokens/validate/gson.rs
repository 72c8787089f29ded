//! JSON text as the core's Gson writes it, where the core echoes JSON inside a response.
//!
//! serde_json and Gson escape differently: Gson always escapes U+2028 and U+2029, and
//! `new Gson().toJson(...)` (HTML-safe by default) also escapes `<`, `>`, `&`, `=` and `'`.
//! `JsonElement.toString()` (used for response bodies and exception texts) is not HTML-safe.

use serde_json::Value;
use std::fmt::Write;

/// Appends `s` as a JSON string literal, escaped as Gson's `JsonWriter` does.
pub(crate) fn write_string(out: &mut String, s: &str, html_safe: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{C}' => out.push_str("\\f"),
            '<' | '>' | '&' | '=' | '\'' if html_safe => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `JsonElement.toString()` of a parsed value: compact, not HTML-safe, keys in input order
/// (as far as the `Value` kept it). Numbers print as serde_json prints them, where Gson would
/// echo the input text (documented approximation; used only in a 500 body).
pub(crate) fn element_to_string(value: &Value) -> String {
    let mut out = String::new();
    write_element(&mut out, value);
    out
}

/// One step of [`write_element`]'s walk.
enum Step<'v> {
    Value(&'v Value),
    Key(&'v str),
    Text(&'static str),
}

/// Iterative rather than recursive: a `Value` built in Rust may nest deeper than any stack
/// (serde_json's parser stops at 128 levels, a library caller need not), and the validator
/// must not crash on any JSON.
fn write_element(out: &mut String, value: &Value) {
    let mut todo = vec![Step::Value(value)];
    while let Some(step) = todo.pop() {
        match step {
            Step::Text(t) => out.push_str(t),
            Step::Key(k) => {
                write_string(out, k, false);
                out.push(':');
            }
            Step::Value(Value::Null) => out.push_str("null"),
            Step::Value(Value::Bool(b)) => out.push_str(if *b { "true" } else { "false" }),
            Step::Value(Value::Number(n)) => {
                let _ = write!(out, "{n}");
            }
            Step::Value(Value::String(s)) => write_string(out, s, false),
            Step::Value(Value::Array(a)) => {
                out.push('[');
                todo.push(Step::Text("]"));
                for (i, e) in a.iter().enumerate().rev() {
                    todo.push(Step::Value(e));
                    if i > 0 {
                        todo.push(Step::Text(","));
                    }
                }
            }
            Step::Value(Value::Object(o)) => {
                out.push('{');
                todo.push(Step::Text("}"));
                for (i, (k, v)) in o.iter().enumerate().rev() {
                    todo.push(Step::Value(v));
                    todo.push(Step::Key(k));
                    if i > 0 {
                        todo.push(Step::Text(","));
                    }
                }
            }
        }
    }
}

/// Appends `"errors":[...]`-style array of strings (not HTML-safe).
pub(crate) fn write_string_array(out: &mut String, items: &[String]) {
    out.push('[');
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, s, false);
    }
    out.push(']');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn escapes_like_gson() {
        let mut s = String::new();
        write_string(&mut s, "a\"\\\n\u{1}\u{2028}<=>'&é", false);
        assert_eq!(s, r#""a\"\\\n\u0001\u2028<=>'&é""#);
        let mut s = String::new();
        write_string(&mut s, "m=14<'&>", true);
        assert_eq!(s, r#""m\u003d14\u003c\u0027\u0026\u003e""#);
    }

    #[test]
    fn elements_print_compactly() {
        assert_eq!(element_to_string(&json!(null)), "null");
        assert_eq!(element_to_string(&json!("x")), r#""x""#);
        assert_eq!(
            element_to_string(&json!([1, true, {"a": "b"}])),
            r#"[1,true,{"a":"b"}]"#
        );
    }
}
