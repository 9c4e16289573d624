//! SOAP response envelopes, as ASMX writes them: one line, `soap` prefix for both
//! versions, namespaces declared in the order `soap`, `xsi`, `xsd`, no header. A
//! fault's envelope (which may carry a header) is written with the faults, from the
//! same start and end, so that faults depend on envelopes and not the other way round.

use super::binding::{SoapVersion, SERVICE_NS, XSD_NS, XSI_NS};
use super::xml::{estimated_len, inline_in_soap, Doc, DECLARATION};
use crate::ops::Node;

/// The declaration and the envelope's start tag, which a fault's envelope shares.
pub fn open(out: &mut String, version: SoapVersion) {
    out.push_str(DECLARATION);
    out.push_str("<soap:Envelope xmlns:soap=\"");
    out.push_str(version.envelope_ns());
    out.push_str("\" xmlns:xsi=\"");
    out.push_str(XSI_NS);
    out.push_str("\" xmlns:xsd=\"");
    out.push_str(XSD_NS);
    out.push_str("\">");
}

pub const CLOSE: &str = "</soap:Body></soap:Envelope>";

/// A little more than a response envelope writes besides its node and the four
/// times the method's name, with either envelope namespace.
const ENVELOPE_LEN: usize = 400;

/// `<MResponse xmlns="http://tempuri.org/"><MResult>node</MResult></MResponse>`.
pub fn response(version: SoapVersion, method: &str, result: &Node) -> Doc {
    let mut out = Doc::default();
    // Room for the envelope and the node: one allocation, where the text used to grow
    // (and be copied) as it was written.
    out.text()
        .reserve(ENVELOPE_LEN + 4 * method.len() + estimated_len(result));
    open(out.text(), version);
    out.push_str("<soap:Body><");
    out.push_str(method);
    out.push_str("Response xmlns=\"");
    out.push_str(SERVICE_NS);
    out.push_str("\"><");
    out.push_str(method);
    out.push_str("Result>");
    inline_in_soap(&mut out, result);
    out.push_str("</");
    out.push_str(method);
    out.push_str("Result></");
    out.push_str(method);
    out.push_str("Response>");
    out.push_str(CLOSE);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_oracle_capture_020_shape() {
        let node = Node::new("root")
            .attr("success", "true")
            .attr("ticket", "T");
        assert_eq!(
            response(SoapVersion::Soap11, "AuthenticateUser", &node)
                .into_text()
                .unwrap(),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" \
             xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\">\
             <soap:Body><AuthenticateUserResponse xmlns=\"http://tempuri.org/\"><AuthenticateUserResult>\
             <root success=\"true\" ticket=\"T\" xmlns=\"\" /></AuthenticateUserResult></AuthenticateUserResponse>\
             </soap:Body></soap:Envelope>"
        );
    }
}
