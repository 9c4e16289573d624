//! `Content-Type` values and the request body's character set.

use std::borrow::Cow;

/// A media type as sent: `type/subtype`, then its `;`-separated parameters, read only
/// when asked for. It borrows the header value: parsing a request's type copies
/// nothing (issue 8).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MediaType<'a> {
    essence: &'a str,
    params: &'a str,
}

impl<'a> MediaType<'a> {
    pub fn parse(value: &'a str) -> MediaType<'a> {
        let (essence, params) = value.split_once(';').unwrap_or((value, ""));
        MediaType {
            essence: essence.trim(),
            params,
        }
    }

    /// Whether the type is `essence` (given in lower case), in any case.
    pub fn is(&self, essence: &str) -> bool {
        self.essence.eq_ignore_ascii_case(essence)
    }

    /// The first parameter named `name` (given in lower case), in any case, without
    /// its quotes.
    pub fn param(&self, name: &str) -> Option<&'a str> {
        self.params
            .split(';')
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().trim_matches('"'))
    }

    /// Decodes a body in this type's charset. Like ASP.NET, a missing charset means
    /// ISO-8859-1, and bytes that are not valid in the charset become U+FFFD. Valid
    /// UTF-8, what nearly every client sends, is borrowed rather than copied.
    pub fn decode_body<'b>(&self, body: &'b [u8]) -> Cow<'b, str> {
        let charset = self.param("charset");
        let is = |names: &[&str]| {
            charset.is_some_and(|c| names.iter().any(|n| c.eq_ignore_ascii_case(n)))
        };
        if charset.is_none() || is(&["iso-8859-1", "latin1", "us-ascii", "windows-1252"]) {
            Cow::Owned(body.iter().map(|&b| b as char).collect())
        } else if is(&["utf-16", "utf-16le"]) {
            Cow::Owned(utf16(body, u16::from_le_bytes))
        } else if is(&["utf-16be"]) {
            Cow::Owned(utf16(body, u16::from_be_bytes))
        } else {
            lossy_utf8(body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body))
        }
    }
}

/// `String::from_utf8_lossy(bytes)`, with the strict check first: it is several times
/// faster on the valid text nearly every client sends, so only broken text pays for
/// the lossy pass.
pub fn lossy_utf8(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => Cow::Owned(String::from_utf8_lossy(bytes).into_owned()),
    }
}

fn utf16(body: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units: Vec<u16> = body.chunks_exact(2).map(|c| unit([c[0], c[1]])).collect();
    let text = String::from_utf16_lossy(&units);
    text.strip_prefix('\u{FEFF}')
        .map(str::to_string)
        .unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_soap12_action() {
        let ct = MediaType::parse(
            "application/soap+xml; charset=utf-8; action=\"http://tempuri.org/GetUser\"",
        );
        assert!(ct.is("application/soap+xml"));
        assert!(MediaType::parse(" Text/XML ;charset=UTF-8").is("text/xml"));
        assert_eq!(ct.param("charset"), Some("utf-8"));
        assert_eq!(ct.param("action"), Some("http://tempuri.org/GetUser"));
    }

    #[test]
    fn missing_charset_reads_latin1() {
        let body = "é".as_bytes();
        assert_eq!(MediaType::parse("text/xml").decode_body(body), "Ã©");
        assert_eq!(
            MediaType::parse("text/xml; charset=utf-8").decode_body(body),
            "é"
        );
    }
}
