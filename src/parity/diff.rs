//! Comparing a recorded response with the target's (docs/parity.md, "Classes"): each
//! difference is **protocol** (status, media type, charset, SOAP fault code, the
//! envelope's shape, a body that is not the same kind of document), **schema** (an
//! element, attribute or JSON member present on one side only) or **data** (a value),
//! after both sides are normalised (`normalise.rs`) and the ids the replay carried
//! (`carry.rs`) are taken as equal.

use serde_json::Value;

use crate::parity::carry::Carry;
use crate::parity::normalise::normalise;
use crate::parity::tree::{self, Element};
use crate::parity::wire::{decoded_body, Message};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    Protocol,
    Schema,
    Data,
}

impl Class {
    pub const ALL: [Class; 3] = [Class::Protocol, Class::Schema, Class::Data];

    pub fn name(self) -> &'static str {
        match self {
            Class::Protocol => "protocol",
            Class::Schema => "schema",
            Class::Data => "data",
        }
    }
}

/// One difference: where, and each side's text there ("" for absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub class: Class,
    pub place: String,
    /// Each side's text there; None where that side has nothing.
    pub recorded: Option<String>,
    pub target: Option<String>,
}

/// How to read each side: its own address, and the ids the replay carried.
pub struct Sides<'a> {
    pub recorded_base: &'a str,
    pub target_base: &'a str,
    pub carry: &'a Carry,
}

impl Sides<'_> {
    fn same(&self, recorded: &str, target: &str) -> bool {
        recorded == target
            || normalise(recorded, self.recorded_base) == normalise(target, self.target_base)
            || self.carry.maps(recorded, target)
    }
}

struct Found<'a> {
    sides: &'a Sides<'a>,
    out: Vec<Difference>,
}

impl Found<'_> {
    fn add(&mut self, class: Class, place: impl Into<String>, recorded: &str, target: &str) {
        self.add_sides(class, place.into(), Some(recorded), Some(target));
    }

    /// A name present on one side only: a schema difference.
    fn one_side(&mut self, place: String, recorded: Option<&str>, target: Option<&str>) {
        let which = if recorded.is_some() {
            "missing"
        } else {
            "extra"
        };
        self.add_sides(
            Class::Schema,
            format!("{place} ({which})"),
            recorded,
            target,
        );
    }

    fn add_sides(
        &mut self,
        class: Class,
        place: String,
        recorded: Option<&str>,
        target: Option<&str>,
    ) {
        self.out.push(Difference {
            class,
            place,
            recorded: recorded.map(str::to_string),
            target: target.map(str::to_string),
        });
    }

    fn value(&mut self, place: String, recorded: &str, target: &str) {
        let both = !recorded.is_empty() && !target.is_empty();
        let equal = self.sides.same(recorded, target) || (both && per_response(&place));
        if !equal {
            self.add(Class::Data, place, recorded, target);
        }
    }
}

/// Whether a value names the answer itself (the chatbot's `responseId`, a `requestId`):
/// new in every answer, so only its presence is compared.
fn per_response(place: &str) -> bool {
    let name = place
        .rsplit(['.', '@', '/'])
        .next()
        .unwrap_or(place)
        .to_ascii_lowercase();
    ["responseid", "requestid", "correlationid"].contains(&name.as_str())
}

/// The media type (lower case) and charset of a message, "" when absent.
fn media(message: &Message) -> (String, String) {
    let value = message.head.get("content-type").unwrap_or_default();
    let mut parts = value.split(';');
    let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    let charset = parts
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("charset"))
        .map(|(_, v)| v.trim().trim_matches('"').to_ascii_lowercase())
        .unwrap_or_default();
    (media, charset)
}

/// Every difference between a recorded response and the target's.
pub fn compare(recorded: &Message, target: &Message, sides: &Sides) -> Vec<Difference> {
    let mut found = Found {
        sides,
        out: Vec::new(),
    };
    if recorded.head.status() != target.head.status() {
        let status = |m: &Message| {
            let line = &m.head.first_line;
            line.split_once(' ').map_or("", |(_, s)| s).to_string()
        };
        found.add(
            Class::Protocol,
            "status",
            &status(recorded),
            &status(target),
        );
    }
    let ((rec_media, rec_charset), (tgt_media, tgt_charset)) = (media(recorded), media(target));
    if rec_media != tgt_media {
        found.add(Class::Protocol, "media type", &rec_media, &tgt_media);
    }
    if rec_charset != tgt_charset {
        found.add(Class::Protocol, "charset", &rec_charset, &tgt_charset);
    }
    match (decoded_body(recorded), decoded_body(target)) {
        (Ok(rec), Ok(tgt)) => bodies(&mut found, &rec, &tgt),
        (_, Err(e)) => found.add(Class::Protocol, "body", "whole", &e.to_string()),
        (Err(e), _) => found.add(Class::Protocol, "body", &e.to_string(), "whole"),
    }
    found.out
}

fn bodies(found: &mut Found, rec: &[u8], tgt: &[u8]) {
    let looks_xml = |b: &[u8]| {
        let text = String::from_utf8_lossy(b);
        let text = text.trim_start_matches('\u{feff}').trim_start();
        text.starts_with("<?xml")
            || (text.starts_with('<')
                && !text.starts_with("<!DOCTYPE")
                && !text.starts_with("<html"))
    };
    if looks_xml(rec) || looks_xml(tgt) {
        match (tree::parse(rec), tree::parse(tgt)) {
            (Ok(r), Ok(t)) => return document(found, &r, &t),
            (Ok(_), Err(e)) => {
                return found.add(
                    Class::Protocol,
                    "body (not well-formed XML)",
                    "well-formed",
                    &e,
                )
            }
            (Err(e), Ok(_)) => {
                return found.add(
                    Class::Protocol,
                    "body (not well-formed XML)",
                    &e,
                    "well-formed",
                )
            }
            (Err(_), Err(_)) => {}
        }
    }
    let json = |b: &[u8]| {
        (!b.is_empty())
            .then(|| serde_json::from_slice::<Value>(b).ok())
            .flatten()
    };
    match (json(rec), json(tgt)) {
        (Some(r), Some(t)) => return json_value(found, "$".into(), &r, &t),
        (Some(_), None) | (None, Some(_)) if !rec.is_empty() && !tgt.is_empty() => {
            let kind = |b: &[u8]| {
                if json(b).is_some() {
                    "JSON"
                } else {
                    "not JSON"
                }
            };
            return found.add(Class::Protocol, "body", kind(rec), kind(tgt));
        }
        _ => {}
    }
    let (r, t) = (String::from_utf8_lossy(rec), String::from_utf8_lossy(tgt));
    found.value("body".into(), &r, &t);
}

const SOAP_ENVELOPES: [&str; 2] = [
    "{http://schemas.xmlsoap.org/soap/envelope/}",
    "{http://www.w3.org/2003/05/soap-envelope}",
];

fn is_soap(element: &Element) -> bool {
    element.local() == "Envelope" && SOAP_ENVELOPES.iter().any(|ns| element.name.starts_with(ns))
}

/// A SOAP fault's code: SOAP 1.1 `faultcode`, SOAP 1.2 `Code/Value` and its subcodes.
fn fault_code(fault: &Element) -> String {
    if let Some(code) = fault.child("faultcode") {
        return code.text.trim().to_string();
    }
    let mut parts = Vec::new();
    let mut code = fault.child("Code");
    while let Some(c) = code {
        if let Some(value) = c.child("Value") {
            parts.push(value.text.trim().to_string());
        }
        code = c.child("Subcode");
    }
    parts.join(" / ")
}

fn document(found: &mut Found, rec: &Element, tgt: &Element) {
    if !(is_soap(rec) || is_soap(tgt)) {
        if rec.name != tgt.name {
            return found.add(Class::Schema, "root element", &rec.name, &tgt.name);
        }
        return element(found, format!("/{}", rec.local()), rec, tgt, &[]);
    }
    let shape = |e: &Element| {
        let body = e.child("Body");
        let first = body.and_then(|b| b.children.first());
        format!(
            "{} {}header, body {}",
            e.name,
            if e.child("Header").is_some() {
                "with a "
            } else {
                "no "
            },
            first.map_or("empty", |f| f.name.as_str())
        )
    };
    if rec.name != tgt.name
        || rec.child("Header").is_some() != tgt.child("Header").is_some()
        || rec
            .child("Body")
            .map(|b| b.children.iter().map(|c| &c.name).collect::<Vec<_>>())
            != tgt
                .child("Body")
                .map(|b| b.children.iter().map(|c| &c.name).collect::<Vec<_>>())
    {
        return found.add(Class::Protocol, "envelope", &shape(rec), &shape(tgt));
    }
    let fault = |e: &Element| {
        e.child("Body")
            .and_then(|b| b.child("Fault"))
            .map(fault_code)
    };
    if let (Some(r), Some(t)) = (fault(rec), fault(tgt)) {
        if r != t {
            found.add(Class::Protocol, "fault code", &r, &t);
        }
    }
    // The fault code is compared above, as protocol; the rest of the envelope as any XML.
    element(
        found,
        format!("/{}", rec.local()),
        rec,
        tgt,
        &["faultcode", "Code"],
    );
}

/// Compares two elements paired at `place` (their path, e.g. `/Envelope/Body/x`).
fn element(found: &mut Found, place: String, rec: &Element, tgt: &Element, skip: &[&str]) {
    for (name, value) in &rec.attrs {
        match tgt.attrs.iter().find(|(n, _)| n == name) {
            Some((_, other)) => found.value(format!("{place}/@{name}"), value, other),
            None => found.one_side(format!("{place}/@{name}"), Some(value), None),
        }
    }
    for (name, value) in &tgt.attrs {
        if !rec.attrs.iter().any(|(n, _)| n == name) {
            found.one_side(format!("{place}/@{name}"), None, Some(value));
        }
    }
    found.value(format!("{place}/text()"), &rec.text, &tgt.text);
    let mut keys: Vec<(&str, &str)> = Vec::new();
    for child in rec.children.iter().chain(&tgt.children) {
        if !keys.contains(&key(child)) {
            keys.push(key(child));
        }
    }
    for k in keys {
        let of = |e: &'_ Element| {
            e.children
                .iter()
                .filter(|c| key(c) == k)
                .cloned()
                .collect::<Vec<_>>()
        };
        let (r, t) = (of(rec), of(tgt));
        if skip
            .iter()
            .any(|s| r.first().or(t.first()).is_some_and(|c| c.local() == *s))
        {
            continue;
        }
        let many = r.len().max(t.len()) > 1;
        for i in 0..r.len().max(t.len()) {
            let label = |e: &Element| {
                let named = if k.1.is_empty() {
                    String::new()
                } else {
                    format!("[@name={}]", k.1)
                };
                let at = if many {
                    format!("[{}]", i + 1)
                } else {
                    String::new()
                };
                format!("{place}/{}{named}{at}", e.local())
            };
            match (r.get(i), t.get(i)) {
                (Some(a), Some(b)) => element(found, label(a), a, b, skip),
                (Some(a), None) => found.one_side(label(a), Some(&a.name), None),
                (None, Some(b)) => found.one_side(label(b), None, Some(&b.name)),
                (None, None) => {}
            }
        }
    }
}

/// What pairs a child with its counterpart: its name, and its `name` attribute if it
/// has one (a WSDL's operations, messages and schema elements are lists of named
/// things, whose order is the writer's).
fn key(element: &Element) -> (&str, &str) {
    let named = element
        .attrs
        .iter()
        .find(|(n, _)| n == "name")
        .map_or("", |(_, v)| v.as_str());
    (element.name.as_str(), named)
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn json_value(found: &mut Found, place: String, rec: &Value, tgt: &Value) {
    match (rec, tgt) {
        (Value::Object(r), Value::Object(t)) => {
            for (key, value) in r {
                match t.get(key) {
                    Some(other) => json_value(found, format!("{place}.{key}"), value, other),
                    None => {
                        found.one_side(format!("{place}.{key}"), Some(&value.to_string()), None)
                    }
                }
            }
            for (key, value) in t {
                if !r.contains_key(key) {
                    found.one_side(format!("{place}.{key}"), None, Some(&value.to_string()));
                }
            }
        }
        (Value::Array(r), Value::Array(t)) => {
            for (i, (a, b)) in r.iter().zip(t).enumerate() {
                json_value(found, format!("{place}[{i}]"), a, b);
            }
            if r.len() != t.len() {
                found.add(
                    Class::Data,
                    format!("{place} (items)"),
                    &r.len().to_string(),
                    &t.len().to_string(),
                );
            }
        }
        (r, t) if kind(r) != kind(t) && !r.is_null() && !t.is_null() => {
            found.add(Class::Schema, format!("{place} (type)"), kind(r), kind(t));
        }
        (r, t) => found.value(place, &scalar(r), &scalar(t)),
    }
}
