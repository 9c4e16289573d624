//! State carried through a replay the way a client carries it: a ticket or id the
//! recorded server handed out, and the one the target handed out in its place, learnt
//! by walking both answers side by side; every later request gets the target's value
//! where the recording had the recorded one, and comparing takes the pair as equal.

use serde_json::Value;

use crate::parity::normalise::starts_with_shape;
use crate::parity::tree::{self, Element};

#[derive(Debug, Default)]
pub struct Carry {
    /// (recorded, target), in the order learnt.
    pairs: Vec<(String, String)>,
}

/// Whether a value under `name` is something a server hands out: a GUID (a ticket)
/// anywhere, or the value of a name that says id (`id`, `UserID`, `userId`, `user_id`),
/// ticket or token.
fn handed_out(name: &str, value: &str) -> bool {
    let name = name.rsplit(['}', '.', '@', '/']).next().unwrap_or(name);
    let lower = name.to_ascii_lowercase();
    !value.is_empty()
        && (starts_with_shape(value, "hhhhhhhh-hhhh-hhhh-hhhh-hhhhhhhhhhhh")
            || lower == "id"
            || name.ends_with("ID")
            || name.ends_with("Id")
            || lower.ends_with("_id")
            || lower.contains("ticket")
            || lower.contains("token"))
}

impl Carry {
    /// Whether (recorded, target) is a pair this replay learnt.
    pub fn maps(&self, recorded: &str, target: &str) -> bool {
        self.pairs
            .iter()
            .any(|(r, t)| r.eq_ignore_ascii_case(recorded) && t == target)
    }

    fn learn(&mut self, name: &str, recorded: &str, target: &str) {
        if recorded != target
            && handed_out(name, recorded)
            && handed_out(name, target)
            && !self.pairs.iter().any(|(r, _)| r == recorded)
        {
            self.pairs.push((recorded.to_string(), target.to_string()));
        }
    }

    /// Learns from a recorded answer's body and the target's.
    pub fn learn_from(&mut self, recorded: &[u8], target: &[u8]) {
        if let (Ok(r), Ok(t)) = (tree::parse(recorded), tree::parse(target)) {
            self.learn_xml(&r, &t);
        } else if let (Ok(r), Ok(t)) = (
            serde_json::from_slice::<Value>(recorded),
            serde_json::from_slice::<Value>(target),
        ) {
            self.learn_json("", &r, &t);
        }
    }

    fn learn_xml(&mut self, r: &Element, t: &Element) {
        for (name, value) in &r.attrs {
            if let Some((_, other)) = t.attrs.iter().find(|(n, _)| n == name) {
                self.learn(name, value, other);
            }
        }
        self.learn(&r.name, r.text.trim(), t.text.trim());
        for (a, b) in r.children.iter().zip(&t.children) {
            if a.name == b.name {
                self.learn_xml(a, b);
            }
        }
    }

    fn learn_json(&mut self, name: &str, r: &Value, t: &Value) {
        match (r, t) {
            (Value::Object(r), Value::Object(t)) => {
                for (key, value) in r {
                    if let Some(other) = t.get(key) {
                        self.learn_json(key, value, other);
                    }
                }
            }
            (Value::Array(r), Value::Array(t)) => {
                for (a, b) in r.iter().zip(t) {
                    self.learn_json(name, a, b);
                }
            }
            (Value::String(a), Value::String(b)) => self.learn(name, a, b),
            (Value::Number(a), Value::Number(b)) => {
                self.learn(name, &a.to_string(), &b.to_string())
            }
            _ => {}
        }
    }

    /// `request` with every learnt recorded value replaced by the target's: a GUID
    /// wherever it stands, any other id only as a whole value (between delimiters
    /// such as `>`/`<`, `=`/`&`, `/`, quotes), so the id 3 never rewrites a 3 in a name.
    pub fn apply(&self, request: &[u8]) -> Vec<u8> {
        let Ok(mut text) = String::from_utf8(request.to_vec()) else {
            return request.to_vec();
        };
        for (recorded, target) in &self.pairs {
            text = replace_whole(&text, recorded, target);
        }
        text.into_bytes()
    }
}

fn is_delimiter(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => !(c.is_alphanumeric() || c == '-' || c == '_' || c == '.'),
    }
}

fn replace_whole(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let lower_from = from.to_ascii_lowercase();
    while !rest.is_empty() {
        let found = rest.to_ascii_lowercase().find(&lower_from);
        let Some(at) = found else { break };
        let before = if at > 0 {
            rest[..at].chars().last()
        } else {
            out.chars().last()
        };
        let after = rest[at + from.len()..].chars().next();
        out.push_str(&rest[..at]);
        if is_delimiter(before) && is_delimiter(after) {
            out.push_str(to);
        } else {
            out.push_str(&rest[at..at + from.len()]);
        }
        rest = &rest[at + from.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_and_ids_are_carried_into_later_requests() {
        let mut carry = Carry::default();
        carry.learn_from(
            br#"<root ticket="AAAAAAAA-0000-0000-0000-000000000001" id="42"/>"#,
            br#"<root ticket="bbbbbbbb-0000-0000-0000-000000000002" id="7"/>"#,
        );
        let request = b"<T>aaaaaaaa-0000-0000-0000-000000000001</T><id>42</id><n>x42</n>";
        assert_eq!(
            String::from_utf8(carry.apply(request)).unwrap(),
            "<T>bbbbbbbb-0000-0000-0000-000000000002</T><id>7</id><n>x42</n>"
        );
        assert!(carry.maps("42", "7"));
    }
}
