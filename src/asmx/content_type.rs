//! `Content-Type` values and the request body's character set.

/// A parsed media type: the lower-cased `type/subtype` and its parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaType {
    pub essence: String,
    params: Vec<(String, String)>,
}

impl MediaType {
    pub fn parse(value: &str) -> MediaType {
        let mut parts = value.split(';');
        let essence = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let params = parts
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| {
                (
                    k.trim().to_ascii_lowercase(),
                    v.trim().trim_matches('"').to_string(),
                )
            })
            .collect();
        MediaType { essence, params }
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Decodes a body in this type's charset. Like ASP.NET, a missing charset means
    /// ISO-8859-1, and bytes that are not valid in the charset become U+FFFD.
    pub fn decode_body(&self, body: &[u8]) -> String {
        match self
            .param("charset")
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("iso-8859-1" | "latin1" | "us-ascii" | "windows-1252") => {
                body.iter().map(|&b| b as char).collect()
            }
            Some("utf-16" | "utf-16le") => utf16(body, u16::from_le_bytes),
            Some("utf-16be") => utf16(body, u16::from_be_bytes),
            Some(_) => {
                let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
                lossy_utf8(body)
            }
        }
    }
}

/// `String::from_utf8_lossy(bytes).into_owned()`, with the strict check first: it is
/// several times faster on the valid text nearly every client sends, so only broken
/// text pays for the lossy pass.
pub fn lossy_utf8(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
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
        assert_eq!(ct.essence, "application/soap+xml");
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
