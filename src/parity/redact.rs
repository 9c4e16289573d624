//! `record --redact` and its undoing in `compare` (docs/parity.md, "Redacted
//! captures"): the value of every password field — an XML element, form or query
//! parameter, or JSON member whose name contains `password` or ends in `pwd` (`PWD`,
//! `Password`, `NewPassword`, `TrustedUserPwd`), and the secret of `Authorization:
//! Basic` — is written as `{redacted}`. The replay puts back the password that the
//! fixture file gives the user the request names (`UID`, `UserName`, …, or the Basic
//! user), or `redacted` for a user the fixtures do not have, the same in every request.

use std::collections::BTreeMap;

use base64ct::{Base64, Encoding};

use crate::parity::wire::{decoded_body, parse_message, Message, Side};

pub const PLACEHOLDER: &str = "{redacted}";
const ENCODED: &str = "%7Bredacted%7D";
/// The password put back for a user the fixtures do not name.
const UNKNOWN: &str = "redacted";
const USER_FIELDS: [&str; 5] = ["uid", "username", "user_name", "login", "user"];

fn is_password(name: &str) -> bool {
    let local = name.rsplit(':').next().unwrap_or(name).to_ascii_lowercase();
    local.contains("password") || local.ends_with("pwd")
}

/// A request with its head's Content-Length following a new body.
fn rebuild(message: &Message, target: &str, headers: &[(String, String)], body: &[u8]) -> Vec<u8> {
    let (method, _) = message.head.parts();
    let version = message.head.version();
    let mut out = format!("{method} {target} {version}\r\n").into_bytes();
    for (name, value) in headers {
        let value = if name.eq_ignore_ascii_case("content-length") {
            body.len().to_string()
        } else {
            value.clone()
        };
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

/// `pairs` (a query or form body) with password values replaced.
fn redact_pairs(pairs: &str) -> String {
    pairs
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if is_password(name) => format!("{name}={ENCODED}"),
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// XML text with the content of password elements replaced.
fn redact_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let name_end = rest[1..]
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .map_or(rest.len(), |n| n + 1);
        let name = &rest[1..name_end];
        let tag_end = rest.find('>').map_or(rest.len(), |n| n + 1);
        out.push_str(&rest[..tag_end]);
        rest = &rest[tag_end..];
        let closing = format!("</{name}>");
        if is_password(name) && !out.ends_with("/>") && !name.starts_with(['/', '?', '!']) {
            if let Some(end) = rest.find(&closing) {
                out.push_str(PLACEHOLDER);
                rest = &rest[end..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// JSON text with the string values of password members replaced.
fn redact_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('"') {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let Some(end) = string_end(rest) else { break };
        let key = &rest[..end];
        out.push_str(&rest[..=end]);
        rest = &rest[end + 1..];
        let after = rest.trim_start();
        if is_password(key) && after.starts_with(':') {
            let value = after[1..].trim_start();
            if let Some(inner) = value.strip_prefix('"') {
                if let Some(close) = string_end(inner) {
                    out.push_str(&rest[..rest.len() - value.len()]);
                    out.push('"');
                    out.push_str(PLACEHOLDER);
                    out.push('"');
                    rest = &inner[close + 1..];
                }
            }
        }
    }
    out.push_str(rest);
    out
}

/// Where a JSON string that began just before `text` ends (its closing quote).
fn string_end(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return Some(i),
            _ => escaped = false,
        }
    }
    None
}

fn basic(value: &str, secret: impl Fn(&str) -> String) -> Option<String> {
    let encoded = value.trim().strip_prefix("Basic ")?;
    let decoded = String::from_utf8(Base64::decode_vec(encoded.trim()).ok()?).ok()?;
    let (user, _) = decoded.split_once(':')?;
    let credentials = format!("{user}:{}", secret(user));
    Some(format!(
        "Basic {}",
        Base64::encode_string(credentials.as_bytes())
    ))
}

fn media(message: &Message) -> String {
    message
        .head
        .get("content-type")
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// A request's bytes with its passwords replaced by the placeholder.
pub fn redact(request: &Message) -> Vec<u8> {
    let (_, target) = request.head.parts();
    let target = match target.split_once('?') {
        Some((path, query)) => format!("{path}?{}", redact_pairs(query)),
        None => target.to_string(),
    };
    let headers: Vec<(String, String)> = request
        .head
        .headers
        .iter()
        .map(
            |(name, value)| match basic(value, |_| PLACEHOLDER.to_string()) {
                Some(redacted) if name.eq_ignore_ascii_case("authorization") => {
                    (name.clone(), redacted)
                }
                _ => (name.clone(), value.clone()),
            },
        )
        .collect();
    let body = decoded_body(request).unwrap_or_else(|_| request.body().to_vec());
    let text = String::from_utf8_lossy(&body);
    let media = media(request);
    let body = if media.contains("xml") {
        redact_xml(&text).into_bytes()
    } else if media.contains("x-www-form-urlencoded") {
        redact_pairs(&text).into_bytes()
    } else if media.contains("json") {
        redact_json(&text).into_bytes()
    } else {
        body
    };
    if target == request.head.parts().1 && headers == request.head.headers && body == request.body()
    {
        return request.bytes.clone();
    }
    let mut headers: Vec<_> = headers
        .into_iter()
        .filter(|(n, _)| !n.eq_ignore_ascii_case("transfer-encoding"))
        .collect();
    if !body.is_empty()
        && !headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-length"))
    {
        headers.push(("Content-Length".into(), body.len().to_string()));
    }
    rebuild(request, &target, &headers, &body)
}

/// The value of the first field named like a user in `text`: an element, a query or
/// form parameter, or a JSON member.
fn user_in(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    for name in USER_FIELDS {
        for (open, stop) in [
            (format!("<{name}>"), '<'),
            (format!(":{name}>"), '<'),
            (format!("{name}="), '&'),
        ] {
            let mut from = 0;
            while let Some(at) = lower[from..].find(&open) {
                let start = from + at;
                let before = lower[..start].chars().last();
                from = start + open.len();
                if stop == '&' && !matches!(before, None | Some('&' | '?' | '\n')) {
                    continue;
                }
                let value = &text[from..];
                let end = value.find([stop, ' ', '\r', '\n']).unwrap_or(value.len());
                let value = &value[..end];
                if stop == '&' {
                    let decoded: Vec<(String, String)> =
                        serde_urlencoded::from_str(&format!("v={value}")).unwrap_or_default();
                    return decoded.into_iter().next().map(|(_, v)| v);
                }
                return Some(value.to_string());
            }
        }
        let key = format!("\"{name}\"");
        if let Some(at) = lower.find(&key) {
            let after = text[at + key.len()..]
                .trim_start()
                .strip_prefix(':')?
                .trim_start();
            let inner = after.strip_prefix('"')?;
            return string_end(inner).map(|end| inner[..end].to_string());
        }
    }
    None
}

/// A redacted request with passwords put back: `passwords` maps user names to the
/// passwords of the target's fixtures.
pub fn restore(request: &[u8], passwords: &BTreeMap<String, String>) -> Vec<u8> {
    let text = String::from_utf8_lossy(request);
    if !text.contains(PLACEHOLDER) && !text.contains(ENCODED) && !text.contains("Basic ") {
        return request.to_vec();
    }
    let Ok(message) = parse_message(request, Side::Request) else {
        return request.to_vec();
    };
    let secret = |user: &str| {
        passwords
            .get(user)
            .or_else(|| {
                passwords
                    .iter()
                    .find(|(u, _)| u.eq_ignore_ascii_case(user))
                    .map(|(_, p)| p)
            })
            .cloned()
            .unwrap_or_else(|| UNKNOWN.to_string())
    };
    let password = secret(&user_in(&text).unwrap_or_default());
    let media = media(&message);
    let escaped = if media.contains("json") {
        serde_json::to_string(&password)
            .map(|s| s[1..s.len() - 1].to_string())
            .unwrap_or_default()
    } else {
        password
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let encoded = serde_urlencoded::to_string([("p", &password)]).unwrap_or_default();
    let encoded = encoded.trim_start_matches("p=");
    let (_, target) = message.head.parts();
    let target = target.replace(ENCODED, encoded);
    let headers: Vec<(String, String)> = message
        .head
        .headers
        .iter()
        .map(|(name, value)| {
            let restored = basic(value, |user| secret(user)).filter(|_| {
                name.eq_ignore_ascii_case("authorization")
                    && Base64::decode_vec(value.trim().trim_start_matches("Basic ").trim())
                        .is_ok_and(|d| d.ends_with(PLACEHOLDER.as_bytes()))
            });
            (name.clone(), restored.unwrap_or_else(|| value.clone()))
        })
        .collect();
    let body = String::from_utf8_lossy(message.body())
        .replace(ENCODED, encoded)
        .replace(PLACEHOLDER, &escaped);
    rebuild(&message, &target, &headers, body.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(text: &str) -> Message {
        parse_message(text.as_bytes(), Side::Request).unwrap()
    }

    #[test]
    fn passwords_are_redacted_and_put_back_from_the_fixtures() {
        let soap = "<A><UID>jdoe</UID><PWD>secret</PWD></A>";
        let request = format!(
            "POST /srv.asmx HTTP/1.1\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{soap}",
            soap.len()
        );
        let redacted = redact(&message(&request));
        let text = String::from_utf8(redacted.clone()).unwrap();
        assert!(text.ends_with("<PWD>{redacted}</PWD></A>"), "{text}");
        let passwords = BTreeMap::from([("jdoe".to_string(), "j&d".to_string())]);
        let back = String::from_utf8(restore(&redacted, &passwords)).unwrap();
        assert!(back.ends_with("<PWD>j&amp;d</PWD></A>"), "{back}");
        assert!(back.contains("Content-Length: 40\r\n"), "{back}");

        let get = "GET /srv.asmx/AuthenticateUser?UID=jdoe&PWD=secret HTTP/1.1\r\nAuthorization: Basic Y2tfZGVtbzpjc19kZW1v\r\n\r\n";
        let redacted = String::from_utf8(redact(&message(get))).unwrap();
        assert!(redacted.contains("PWD=%7Bredacted%7D"), "{redacted}");
        assert!(!redacted.contains("Y2tfZGVtbzpjc19kZW1v"), "{redacted}");
        let back = String::from_utf8(restore(redacted.as_bytes(), &passwords)).unwrap();
        assert!(back.contains("PWD=j%26d "), "{back}");

        let json = r#"{"user": "x", "password" : "p\"w"}"#;
        assert_eq!(
            redact_json(json),
            r#"{"user": "x", "password" : "{redacted}"}"#
        );
    }
}
