//! The `?disco` discovery document: where the WSDL and the help page are and which
//! SOAP bindings the service has, as .NET writes it (docs/compatibility.md W6) with IIS line breaks.

use super::wsdl::{FILE, NAMESPACE, SERVICE};
use super::xml::{escape_attr, DECLARATION, NEWLINE};

/// The discovery document for a service at `base` + `/srv.asmx`.
pub fn document(base: &str) -> String {
    let mut url = String::with_capacity(base.len() + FILE.len() + 1);
    escape_attr(&mut url, base);
    url.push('/');
    url.push_str(FILE);
    let mut out = String::with_capacity(620 + 4 * url.len());
    out.push_str(DECLARATION);
    out.push_str(NEWLINE);
    out.push_str(r#"<discovery xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.xmlsoap.org/disco/">"#);
    out.push_str(NEWLINE);
    out.push_str(r#"  <contractRef ref=""#);
    out.push_str(&url);
    out.push_str(r#"?wsdl" docRef=""#);
    out.push_str(&url);
    out.push_str(r#"" xmlns="http://schemas.xmlsoap.org/disco/scl/" />"#);
    // XmlSerializer declares each binding's namespace under a fresh prefix: q1, q2.
    for (prefix, binding) in [("q1", "Soap"), ("q2", "Soap12")] {
        out.push_str(NEWLINE);
        out.push_str(r#"  <soap address=""#);
        out.push_str(&url);
        out.push_str(r#"" xmlns:"#);
        out.push_str(prefix);
        out.push_str(r#"=""#);
        out.push_str(NAMESPACE);
        out.push_str(r#"" binding=""#);
        out.push_str(prefix);
        out.push(':');
        out.push_str(SERVICE);
        out.push_str(binding);
        out.push_str(r#"" xmlns="http://schemas.xmlsoap.org/disco/soap/" />"#);
    }
    out.push_str(NEWLINE);
    out.push_str("</discovery>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_capture_012_with_iis_line_breaks() {
        let expected = [
            r#"<?xml version="1.0" encoding="utf-8"?>"#,
            r#"<discovery xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.xmlsoap.org/disco/">"#,
            r#"  <contractRef ref="http://127.0.0.1:18080/srv.asmx?wsdl" docRef="http://127.0.0.1:18080/srv.asmx" xmlns="http://schemas.xmlsoap.org/disco/scl/" />"#,
            r#"  <soap address="http://127.0.0.1:18080/srv.asmx" xmlns:q1="http://tempuri.org/" binding="q1:srvSoap" xmlns="http://schemas.xmlsoap.org/disco/soap/" />"#,
            r#"  <soap address="http://127.0.0.1:18080/srv.asmx" xmlns:q2="http://tempuri.org/" binding="q2:srvSoap12" xmlns="http://schemas.xmlsoap.org/disco/soap/" />"#,
            "</discovery>",
        ]
        .join("\r\n");
        assert_eq!(document("http://127.0.0.1:18080"), expected);
    }

    #[test]
    fn base_is_escaped_and_fits_the_buffer() {
        let doc = document("http://h\"&");
        assert_eq!(doc.matches(r#""http://h&quot;&amp;/srv.asmx"#).count(), 4);
        assert!(!doc.contains("h\"&"));
        assert!(doc.len() <= 620 + 4 * "http://h&quot;&amp;/srv.asmx".len());
    }
}
