//! The service description (`srv.asmx?WSDL`), generated from the method table in the
//! layout .NET's ServiceDescriptionReflector writes it (docs/compatibility.md W6), with
//! IIS line breaks: every method on SOAP 1.1, SOAP 1.2, HTTP GET and HTTP POST, each
//! returning an XmlNode.

use super::xml::{escape_attr, escape_text, DECLARATION, NEWLINE};
use crate::ops::{MethodSpec, Param, ParamKind, METHODS};

/// The class behind the service: prefix of its port types, bindings and ports.
pub const SERVICE: &str = "srv";
/// The file the service is served as, relative to the site root.
pub const FILE: &str = "srv.asmx";
/// infoRouter never changed ASMX's default `[WebService(Namespace = ...)]`.
pub const NAMESPACE: &str = "http://tempuri.org/";

// Multi-line pieces of the document, each line preceded by its line break as
// XmlTextWriter writes them; `{n}` stands for the n-th argument, escaped.

/// The root, with its namespaces in .NET's order, and the schema in namespace `{0}`.
const HEAD: &str = r#"
<wsdl:definitions xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/" xmlns:http="http://schemas.xmlsoap.org/wsdl/http/" xmlns:tns="http://tempuri.org/" xmlns:mime="http://schemas.xmlsoap.org/wsdl/mime/" xmlns:tm="http://microsoft.com/wsdl/mime/textMatching/" xmlns:s="http://www.w3.org/2001/XMLSchema" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" targetNamespace="http://tempuri.org/" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/">
  <wsdl:types>
    <s:schema elementFormDefault="qualified" targetNamespace="{0}">"#;
const PARAMS_OPEN: &str = r#"
        <s:complexType>
          <s:sequence>"#;
const PARAMS_CLOSE: &str = r#"
          </s:sequence>
        </s:complexType>"#;
/// Closes the request of method `{0}` and declares its XmlNode result: mixed content
/// with any element.
const RESPONSE: &str = r#"
      </s:element>
      <s:element name="{0}Response">
        <s:complexType>
          <s:sequence>
            <s:element minOccurs="0" maxOccurs="1" name="{0}Result">
              <s:complexType mixed="true">
                <s:sequence>
                  <s:any />
                </s:sequence>
              </s:complexType>
            </s:element>
          </s:sequence>
        </s:complexType>
      </s:element>"#;
const TYPES_END: &str = r#"
    </s:schema>
  </wsdl:types>"#;
/// Method `{0}`.
const SOAP_MESSAGES: &str = r#"
  <wsdl:message name="{0}SoapIn">
    <wsdl:part name="parameters" element="tns:{0}" />
  </wsdl:message>
  <wsdl:message name="{0}SoapOut">
    <wsdl:part name="parameters" element="tns:{0}Response" />
  </wsdl:message>"#;
const HTTP_OUT: &str = r#"
  <wsdl:message name="{0}{1}Out">
    <wsdl:part name="Body" />
  </wsdl:message>"#;
const PORT_MESSAGES: &str = r#"
      <wsdl:input message="tns:{0}{1}In" />
      <wsdl:output message="tns:{0}{1}Out" />
    </wsdl:operation>"#;
/// Binding `{0}`, extension prefix `{1}`, service `{2}`.
const SOAP_BINDING: &str = r#"
  <wsdl:binding name="{2}{0}" type="tns:{2}Soap">
    <{1}:binding transport="http://schemas.xmlsoap.org/soap/http" />"#;
/// Method `{0}`, extension prefix `{1}`, namespace `{2}`.
const SOAP_OPERATION: &str = r#"
    <wsdl:operation name="{0}">
      <{1}:operation soapAction="{2}{0}" style="document" />
      <wsdl:input>
        <{1}:body use="literal" />
      </wsdl:input>
      <wsdl:output>
        <{1}:body use="literal" />
      </wsdl:output>
    </wsdl:operation>"#;
/// Protocol `{0}`, verb `{1}`, service `{2}`.
const HTTP_BINDING: &str = r#"
  <wsdl:binding name="{2}{0}" type="tns:{2}{0}">
    <http:binding verb="{1}" />"#;
/// Method `{0}`; the input binding follows.
const HTTP_OPERATION: &str = r#"
    <wsdl:operation name="{0}">
      <http:operation location="/{0}" />
      <wsdl:input>"#;
const HTTP_OPERATION_END: &str = r#"
      </wsdl:input>
      <wsdl:output>
        <mime:content part="Body" type="text/xml" />
      </wsdl:output>
    </wsdl:operation>"#;
/// Service `{0}`, port `{1}`, extension prefix `{2}`, service URL `{3}`.
const PORT: &str = r#"
    <wsdl:port name="{0}{1}" binding="tns:{0}{1}">
      <{2}:address location="{3}" />
    </wsdl:port>"#;
const END: &str = r#"
  </wsdl:service>
</wsdl:definitions>"#;

/// The plain HTTP protocols with their verb and input binding.
const HTTP: [(&str, &str, &str); 2] = [
    ("HttpGet", "GET", GET_INPUT),
    ("HttpPost", "POST", POST_INPUT),
];
const GET_INPUT: &str = "<http:urlEncoded />";
const POST_INPUT: &str = r#"<mime:content type="application/x-www-form-urlencoded" />"#;
/// The service's ports with their address extension.
const PORTS: [(&str, &str); 4] = [
    ("Soap", "soap"),
    ("Soap12", "soap12"),
    ("HttpGet", "http"),
    ("HttpPost", "http"),
];
/// Method `{0}`, protocol `{1}`.
const HTTP_IN_EMPTY: &str = r#"<wsdl:message name="{0}{1}In" />"#;
const HTTP_IN: &str = r#"<wsdl:message name="{0}{1}In">"#;
/// HttpProtocolReflector declares every URL or form value a string, whatever the
/// parameter's type (docs/compatibility.md W6).
const HTTP_PART: &str = r#"<wsdl:part name="{0}" type="s:string" />"#;

/// What the description needs of a method; tests supply their own.
struct Op<'a> {
    name: &'a str,
    summary: &'a str,
    params: &'a [Param],
}

fn table_ops() -> Vec<Op<'static>> {
    let op = |m: &'static MethodSpec| Op {
        name: m.name,
        summary: m.summary,
        params: m.params,
    };
    METHODS.iter().map(op).collect()
}

/// The WSDL for a service at `base` + `/srv.asmx`.
pub fn document(base: &str) -> String {
    render(base, &table_ops())
}

fn render(base: &str, ops: &[Op]) -> String {
    let mut w = Writer(String::with_capacity(capacity(base, ops)));
    w.0.push_str(DECLARATION);
    w.put(HEAD, &[NAMESPACE]);
    for op in ops {
        w.line(3, r#"<s:element name="{0}">"#, &[op.name]);
        if op.params.is_empty() {
            w.line(4, "<s:complexType />", &[]);
        } else {
            w.put(PARAMS_OPEN, &[]);
            for param in op.params {
                // XmlSerializer always writes a value type, so only strings may be absent.
                let (min, ty) = match param.kind {
                    ParamKind::Str => ("0", "s:string"),
                    ParamKind::Int => ("1", "s:int"),
                    ParamKind::Bool => ("1", "s:boolean"),
                };
                let element =
                    r#"<s:element minOccurs="{0}" maxOccurs="1" name="{1}" type="{2}" />"#;
                w.line(6, element, &[min, param.name, ty]);
            }
            w.put(PARAMS_CLOSE, &[]);
        }
        w.put(RESPONSE, &[op.name]);
    }
    w.put(TYPES_END, &[]);
    // .NET reflects the whole class once per protocol, so messages come grouped that way.
    for op in ops {
        w.put(SOAP_MESSAGES, &[op.name]);
    }
    for (protocol, _, _) in HTTP {
        for op in ops {
            if op.params.is_empty() {
                w.line(1, HTTP_IN_EMPTY, &[op.name, protocol]);
            } else {
                w.line(1, HTTP_IN, &[op.name, protocol]);
                for param in op.params {
                    w.line(2, HTTP_PART, &[param.name]);
                }
                w.line(1, "</wsdl:message>", &[]);
            }
            w.put(HTTP_OUT, &[op.name, protocol]);
        }
    }
    // SOAP 1.2 shares the SOAP port type.
    for protocol in ["Soap", "HttpGet", "HttpPost"] {
        w.line(1, r#"<wsdl:portType name="{0}{1}">"#, &[SERVICE, protocol]);
        for op in ops {
            w.line(2, r#"<wsdl:operation name="{0}">"#, &[op.name]);
            // `[WebMethod(Description = ...)]` becomes the operation's documentation.
            if !op.summary.is_empty() {
                let open = r#"<wsdl:documentation xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/">"#;
                w.line(3, open, &[]);
                escape_text(&mut w.0, op.summary);
                w.0.push_str("</wsdl:documentation>");
            }
            w.put(PORT_MESSAGES, &[op.name, protocol]);
        }
        w.line(1, "</wsdl:portType>", &[]);
    }
    for (binding, prefix) in [("Soap", "soap"), ("Soap12", "soap12")] {
        w.put(SOAP_BINDING, &[binding, prefix, SERVICE]);
        for op in ops {
            w.put(SOAP_OPERATION, &[op.name, prefix, NAMESPACE]);
        }
        w.line(1, "</wsdl:binding>", &[]);
    }
    for (protocol, verb, input) in HTTP {
        w.put(HTTP_BINDING, &[protocol, verb, SERVICE]);
        for op in ops {
            w.put(HTTP_OPERATION, &[op.name]);
            w.line(4, input, &[]);
            w.put(HTTP_OPERATION_END, &[]);
        }
        w.line(1, "</wsdl:binding>", &[]);
    }
    let url = format!("{base}/{FILE}");
    w.line(1, r#"<wsdl:service name="{0}">"#, &[SERVICE]);
    for (port, prefix) in PORTS {
        w.put(PORT, &[SERVICE, port, prefix, &url]);
    }
    w.put(END, &[]);
    w.0
}

/// The document's length give or take a few bytes per method, so the buffer is
/// allocated once.
fn capacity(base: &str, ops: &[Op]) -> usize {
    let param = |p: &Param| 166 + 3 * p.name.len();
    let documentation = |s: &str| if s.is_empty() { 0 } else { 290 + 3 * s.len() };
    let op = |op: &Op| 2_560 + 28 * op.name.len() + documentation(op.summary);
    // The first parameter also opens the sequences that a method without any lacks.
    let params = |op: &Op| match op.params {
        [] => 0,
        params => 110 + params.iter().map(param).sum::<usize>(),
    };
    1_920 + 4 * base.len() + ops.iter().map(|o| op(o) + params(o)).sum::<usize>()
}

struct Writer(String);

impl Writer {
    /// Appends `template` with IIS line breaks and each `{n}` replaced by `args[n]`,
    /// escaped.
    fn put(&mut self, template: &str, args: &[&str]) {
        let mut rest = template;
        while let Some(at) = rest.find(['\n', '{']) {
            let (before, after) = rest.split_at(at);
            self.0.push_str(before);
            if let Some(after) = after.strip_prefix('\n') {
                self.0.push_str(NEWLINE);
                rest = after;
            } else {
                let (index, after) = after[1..].split_once('}').expect("a closed placeholder");
                let index: usize = index.parse().expect("a numbered placeholder");
                escape_attr(&mut self.0, args[index]);
                rest = after;
            }
        }
        self.0.push_str(rest);
    }

    /// One line of `template` at `depth` (two spaces a level).
    fn line(&mut self, depth: usize, template: &str, args: &[&str]) {
        const SPACES: &str = "                    ";
        self.0.push_str(NEWLINE);
        self.0.push_str(&SPACES[..2 * depth]);
        self.put(template, args);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quick_xml::events::{BytesStart, Event};
    use quick_xml::Reader;
    use ParamKind::{Bool, Int, Str};

    const BASE: &str = "http://127.0.0.1:8080";

    fn op<'a>(name: &'a str, summary: &'a str, params: &'a [Param]) -> Op<'a> {
        Op {
            name,
            summary,
            params,
        }
    }

    /// Parses `doc`, failing unless it is well-formed, and lists the `name` of every
    /// `tag` element whose parent is the `parent` element named `parent_name`.
    fn names(doc: &str, parent: &str, parent_name: &str, tag: &str) -> Vec<String> {
        let text = |bytes: &[u8]| String::from_utf8(bytes.to_vec()).unwrap();
        let name = |e: &BytesStart| e.try_get_attribute("name").unwrap().map(|a| text(&a.value));
        let (mut reader, mut stack, mut found) = (Reader::from_str(doc), Vec::new(), Vec::new());
        loop {
            let (start, empty) = match reader.read_event().expect("well-formed XML") {
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                Event::End(_) => {
                    stack.pop();
                    continue;
                }
                Event::Eof => break,
                _ => continue,
            };
            let element = (
                text(start.name().as_ref()),
                name(&start).unwrap_or_default(),
            );
            if element.0 == tag && stack.last() == Some(&(parent.into(), parent_name.into())) {
                found.push(element.1.clone());
            }
            if !empty {
                stack.push(element);
            }
        }
        assert!(stack.is_empty(), "unclosed: {stack:?}");
        found
    }

    fn assert_well_formed(doc: &str) {
        names(doc, "", "", "");
    }

    #[test]
    fn structure_follows_the_method_table() {
        let doc = document("http://example.test:81");
        let methods: Vec<String> = METHODS.iter().map(|m| m.name.to_string()).collect();
        let each = |suffixes: &[&str]| -> Vec<String> {
            let with = |m: &String| {
                suffixes
                    .iter()
                    .map(|s| format!("{m}{s}"))
                    .collect::<Vec<_>>()
            };
            methods.iter().flat_map(with).collect()
        };
        let top = |tag| names(&doc, "wsdl:definitions", "", tag);
        assert_eq!(
            names(&doc, "s:schema", "", "s:element"),
            each(&["", "Response"])
        );
        let protocols = [
            ["SoapIn", "SoapOut"],
            ["HttpGetIn", "HttpGetOut"],
            ["HttpPostIn", "HttpPostOut"],
        ];
        let messages: Vec<String> = protocols.iter().flat_map(|p| each(p)).collect();
        assert_eq!(top("wsdl:message"), messages);
        assert_eq!(
            top("wsdl:portType"),
            ["srvSoap", "srvHttpGet", "srvHttpPost"]
        );
        let ports = ["srvSoap", "srvSoap12", "srvHttpGet", "srvHttpPost"];
        assert_eq!(top("wsdl:binding"), ports);
        for name in ports {
            let port_type = names(&doc, "wsdl:portType", name, "wsdl:operation");
            assert!(
                port_type.is_empty() || port_type == methods,
                "port type {name}"
            );
            assert_eq!(names(&doc, "wsdl:binding", name, "wsdl:operation"), methods);
        }
        assert_eq!(names(&doc, "wsdl:service", "srv", "wsdl:port"), ports);
        let address = r#"location="http://example.test:81/srv.asmx""#;
        assert_eq!(doc.matches(address).count(), 4);
    }

    #[test]
    fn iis_layout_in_one_allocation() {
        let doc = document(BASE);
        assert!(doc.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<wsdl:definitions "));
        assert!(doc.ends_with("  </wsdl:service>\r\n</wsdl:definitions>"));
        assert_eq!(doc.matches('\n').count(), doc.matches("\r\n").count());
        let estimate = capacity(BASE, &table_ops());
        assert!(
            doc.len() <= estimate && estimate < doc.len() + doc.len() / 10,
            "estimate {estimate} for {} bytes",
            doc.len()
        );
    }

    #[test]
    fn value_types_are_required_in_soap_and_strings_over_http() {
        let p = |name, kind| Param { name, kind };
        let params = [p("ticket", Str), p("pageNumber", Int), p("enabled", Bool)];
        let doc = render(BASE, &[op("Paged", "", &params), op("Bare", "", &[])]);
        assert_well_formed(&doc);
        for line in [
            r#"<s:element minOccurs="0" maxOccurs="1" name="ticket" type="s:string" />"#,
            r#"<s:element minOccurs="1" maxOccurs="1" name="pageNumber" type="s:int" />"#,
            r#"<s:element minOccurs="1" maxOccurs="1" name="enabled" type="s:boolean" />"#,
            "<s:element name=\"Bare\">\r\n        <s:complexType />\r\n      </s:element>",
            r#"<wsdl:message name="BareHttpGetIn" />"#,
            r#"<wsdl:message name="BareHttpPostIn" />"#,
        ] {
            assert!(doc.contains(line), "missing {line}");
        }
        for part in ["ticket", "pageNumber", "enabled"] {
            let line = format!(r#"<wsdl:part name="{part}" type="s:string" />"#);
            assert_eq!(doc.matches(&line).count(), 2, "{part}");
        }
        assert!(
            !doc.contains("documentation"),
            "no summary, no documentation"
        );
    }

    #[test]
    fn text_is_escaped_and_summaries_documented_per_port_type() {
        let doc = render("http://h\"<&", &[op("M", "a < b & \"c\"", &[])]);
        let documented = "<wsdl:operation name=\"M\">\r\n      <wsdl:documentation \
            xmlns:wsdl=\"http://schemas.xmlsoap.org/wsdl/\">a &lt; b &amp; \"c\"</wsdl:documentation>\
            \r\n      <wsdl:input message=\"tns:M";
        assert_eq!(doc.matches(documented).count(), 3);
        assert_eq!(doc.matches("<wsdl:documentation").count(), 3);
        assert!(doc.contains(r#"location="http://h&quot;&lt;&amp;/srv.asmx""#));
        assert_well_formed(&doc);
    }

    /// `wsdl/srv.wsdl` is the document as served at 127.0.0.1:8080, byte for byte.
    #[test]
    fn committed_copy_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/wsdl/srv.wsdl");
        let fresh = document(BASE);
        if std::env::var_os("UPDATE_WSDL").is_some() {
            std::fs::write(path, &fresh).expect("write wsdl/srv.wsdl");
        }
        let committed = std::fs::read(path).unwrap_or_default();
        let hint = "wsdl/srv.wsdl is stale; regenerate: UPDATE_WSDL=1 cargo test --lib asmx::wsdl";
        assert!(committed == fresh.as_bytes(), "{hint}");
    }
}
