//! The HTTP GET and form POST bindings: `name=value` pairs, read as ASP.NET's
//! `QueryString`/`Form` collections do.

use std::borrow::Cow;

use super::fault::HttpFault;
use crate::ops::{Args, Method, ParamKind, Value};

/// `HttpUtility.UrlDecode`: `+` is a space, `%XX` and `%uNNNN` are decoded as UTF-8 /
/// UTF-16, and a `%` that starts no valid escape stays as it is.
pub fn url_decode(raw: &str) -> Cow<'_, str> {
    // Nearly every name and value (tickets, user names) has nothing to decode.
    if !raw.bytes().any(|b| b == b'+' || b == b'%') {
        return Cow::Borrowed(raw);
    }
    let bytes = raw.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let hex = |s: &[u8]| {
        std::str::from_utf8(s)
            .ok()
            .and_then(|s| u32::from_str_radix(s, 16).ok())
    };
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => {
                let wide = bytes.get(i + 1).is_some_and(|b| *b == b'u' || *b == b'U');
                if wide {
                    if let Some(c) = bytes
                        .get(i + 2..i + 6)
                        .and_then(hex)
                        .and_then(char::from_u32)
                    {
                        out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                        i += 6;
                        continue;
                    }
                } else if let Some(b) = bytes
                    .get(i + 1..i + 3)
                    .filter(|s| s.iter().all(u8::is_ascii_hexdigit))
                    .and_then(hex)
                {
                    out.push(b as u8);
                    i += 3;
                    continue;
                }
                out.push(b'%');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Cow::Owned(
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    )
}

/// The pairs of a query string or form body. A name without `=` is not a parameter
/// (ASP.NET files it under a null key), so it counts as missing.
pub fn pairs(raw: &str) -> Vec<(Cow<'_, str>, Cow<'_, str>)> {
    raw.split('&')
        .filter_map(|part| part.split_once('='))
        .map(|(k, v)| (url_decode(k), url_decode(v)))
        .collect()
}

/// Binds pairs to the method's parameters: names case-insensitive, repeated names
/// joined with commas, a missing one is an error, values converted as ASMX does.
pub fn arguments(method: Method, pairs: &[(Cow<str>, Cow<str>)]) -> Result<Args, HttpFault> {
    let values = method
        .params
        .iter()
        .map(|param| {
            let mut found = pairs
                .iter()
                .filter(|(k, _)| k.eq_ignore_ascii_case(param.name))
                .map(|(_, v)| v.as_ref());
            let Some(first) = found.next() else {
                return Err(HttpFault::MissingParameter(param.name.to_string()));
            };
            let mut text = first.to_owned();
            for more in found {
                text.push(',');
                text.push_str(more);
            }
            convert(param.kind, text)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(method.args(values))
}

fn convert(kind: ParamKind, text: String) -> Result<Value, HttpFault> {
    match kind {
        ParamKind::Str => Ok(Value::Str(Some(text))),
        ParamKind::Int => {
            text.trim()
                .parse()
                .map(Value::Int)
                .map_err(|_| HttpFault::CannotConvert {
                    value: text,
                    type_name: "System.Int32",
                    reason: "Input string was not in a correct format.",
                })
        }
        ParamKind::Bool => match text.trim().to_ascii_lowercase().as_str() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(HttpFault::CannotConvert {
                value: text,
                type_name: "System.Boolean",
                reason: "String was not recognized as a valid Boolean.",
            }),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_like_httputility() {
        assert_eq!(url_decode("a+b%20c"), "a b c");
        assert_eq!(url_decode("x%40example.com"), "x@example.com");
        assert_eq!(url_decode("%C3%A9%u00e9"), "éé");
        assert_eq!(url_decode("100%"), "100%");
        assert_eq!(url_decode("%zz%4"), "%zz%4");
    }

    #[test]
    fn pairs_skip_names_without_equals_and_keep_duplicates() {
        assert_eq!(
            pairs("a=1&b&a=2&c="),
            vec![
                (Cow::from("a"), Cow::from("1")),
                (Cow::from("a"), Cow::from("2")),
                (Cow::from("c"), Cow::from(""))
            ]
        );
    }
}

/// Fuzzing by property (issue 7): any query string or form body decodes without a
/// panic, and binding it to any method is `Ok` or an `HttpFault`.
#[cfg(test)]
mod props {
    use super::*;
    use crate::ops::METHODS;
    use proptest::prelude::*;

    /// Query-like text: mostly the characters that steer the decoder.
    fn query() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "([a-zA-Z]{0,6}(=[a-zA-Z0-9+%uU]{0,10})?&?){0,8}",
            "[%uU0-9a-fA-F+&=]{0,40}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_query_decodes_and_binds_or_faults(raw in query(), index in 0..METHODS.len()) {
            let pairs = pairs(&raw);
            prop_assert!(pairs.len() <= raw.split('&').filter(|p| p.contains('=')).count());
            // Ok or an HttpFault are the only outcomes; a panic fails the test.
            let _ = arguments(&METHODS[index], &pairs);
        }

        #[test]
        fn text_without_escapes_is_kept(raw in "[^%+]{0,64}") {
            prop_assert!(matches!(url_decode(&raw), Cow::Borrowed(kept) if kept == raw));
        }

        #[test]
        fn percent_encoded_utf8_round_trips(text in any::<String>()) {
            let encoded: String = text.bytes().map(|b| format!("%{b:02X}")).collect();
            prop_assert_eq!(url_decode(&encoded), text);
        }
    }
}
