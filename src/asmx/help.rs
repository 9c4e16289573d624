//! The HTML help pages: `srv.asmx` lists the operations, `srv.asmx?op=M` shows one
//! with a test form and sample messages. They follow .NET Framework 4's
//! DefaultWsdlHelpGenerator.aspx as IIS renders it, not Mono's page (docs/compatibility.md W7), and
//! show the samples that page derives from our WSDL. Everything is inline: no scripts,
//! style sheets or images are fetched.

use super::wsdl::{FILE, NAMESPACE, SERVICE};
use super::xml::{html_encode_into, NEWLINE};
use crate::ops::{Method, Param, ParamKind, METHODS};

// Pieces of the pages with `\n` for IIS's line break and `$n` for the n-th argument,
// HTML-escaped.

/// `$0` service path, `$1` service name.
const HEAD: &str = r#"<html>

    <head><link rel="alternate" type="text/xml" href="$0?disco" />

    <style type="text/css">

        BODY { color: #000000; background-color: white; font-family: Verdana; margin-left: 0px; margin-top: 0px; }
        #content { margin-left: 30px; font-size: .70em; padding-bottom: 2em; }
        A:link { color: #336699; font-weight: bold; text-decoration: underline; }
        A:visited { color: #6699cc; font-weight: bold; text-decoration: underline; }
        A:active { color: #336699; font-weight: bold; text-decoration: underline; }
        A:hover { color: cc3300; font-weight: bold; text-decoration: underline; }
        P { color: #000000; margin-top: 0px; margin-bottom: 12px; font-family: Verdana; }
        pre { background-color: #e5e5cc; padding: 5px; font-family: Courier New; font-size: x-small; margin-top: -5px; border: 1px #f0f0e0 solid; }
        td { color: #000000; font-family: Verdana; font-size: .7em; }
        h2 { font-size: 1.5em; font-weight: bold; margin-top: 25px; margin-bottom: 10px; border-top: 1px solid #003366; margin-left: -15px; color: #003366; }
        h3 { font-size: 1.1em; color: #000000; margin-left: -15px; margin-top: 10px; margin-bottom: 10px; }
        ul { margin-top: 10px; margin-left: 20px; }
        ol { margin-top: 10px; margin-left: 20px; }
        li { margin-top: 10px; color: #000000; }
        font.value { color: darkblue; font: bold; }
        font.key { color: darkgreen; font: bold; }
        font.error { color: darkred; font: bold; }
        .heading1 { color: #ffffff; font-family: Tahoma; font-size: 26px; font-weight: normal; background-color: #003366; margin-top: 0px; margin-bottom: 0px; margin-left: -30px; padding-top: 10px; padding-bottom: 3px; padding-left: 15px; width: 105%; }
        .button { background-color: #dcdcdc; font-family: Verdana; font-size: 1em; border-top: #cccccc 1px solid; border-bottom: #666666 1px solid; border-left: #cccccc 1px solid; border-right: #666666 1px solid; }
        .frmheader { color: #000000; background: #dcdcdc; font-family: Verdana; font-size: .7em; font-weight: normal; border-bottom: 1px solid #dcdcdc; padding-top: 2px; padding-bottom: 2px; }
        .frmtext { font-family: Verdana; font-size: .7em; margin-top: 8px; margin-bottom: 0px; margin-left: 32px; }
        .frmInput { font-family: Verdana; font-size: 1em; }
        .intro { margin-left: -15px; }

    </style>

    <title>
    $1 Web Service
</title></head>

  <body>

    <div id="content">

      <p class="heading1">$1</p><br>

"#;

/// `$0` file.
const LIST_START: &str = r#"      <span>
          <p class="intro">The following operations are supported.  For a formal definition, please review the <a href="$0?WSDL">Service Description</a>. </p>
              <ul>
"#;
/// `$0` file, `$1` method.
const LIST_ITEM: &str = r#"              <li>
                <a href="$0?op=$1">$1</a>
"#;
/// `$0` the method's description.
const LIST_SUMMARY: &str = r#"                <span>
                  <br>$0
                </span>
"#;
const LIST_END: &str = r#"              </ul>
      </span>
"#;

/// ASP.NET shows this while the service keeps the default namespace, as infoRouter's does.
const NAMESPACE_HELP: &str = r#"      <span>
          <hr>
          <h3>This web service is using http://tempuri.org/ as its default namespace.</h3>
          <h3>Recommendation: Change the default namespace before the XML Web service is made public.</h3>
          <p class="intro">Each XML Web service needs a unique namespace in order for client applications to distinguish it from other services on the Web. http://tempuri.org/ is available for XML Web services that are under development, but published XML Web services should use a more permanent namespace.</p>
          <p class="intro">Your XML Web service should be identified by a namespace that you control. For example, you can use your company's Internet domain name as part of the namespace. Although many XML Web service namespaces look like URLs, they need not point to actual resources on the Web. (XML Web service namespaces are URIs.)</p>
          <p class="intro">For XML Web services creating using ASP.NET, the default namespace can be changed using the WebService attribute's Namespace property. The WebService attribute is an attribute applied to the class that contains the XML Web service methods. Below is a code example that sets the namespace to "http://microsoft.com/webservices/":</p>
          <p class="intro">C#</p>
          <pre>[WebService(Namespace="http://microsoft.com/webservices/")]
public class MyWebService {
    // implementation
}</pre>
          <p class="intro">Visual Basic</p>
          <pre>&lt;WebService(Namespace:="http://microsoft.com/webservices/")&gt; Public Class MyWebService
    ' implementation
End Class</pre>

          <p class="intro">C++</p>
          <pre>[WebService(Namespace="http://microsoft.com/webservices/")]
public ref class MyWebService {
    // implementation
};</pre>
          <p class="intro">For more details on XML namespaces, see the W3C recommendation on <a href="http://www.w3.org/TR/REC-xml-names/">Namespaces in XML</A>.</p>
          <p class="intro">For more details on WSDL, see the <a href="http://www.w3.org/TR/wsdl">WSDL Specification</a>.</p>
          <p class="intro">For more details on URIs, see <a href="http://www.ietf.org/rfc/rfc2396.txt">RFC 2396</a>.</p>
      </span>
"#;

/// `$0` file, `$1` method, `$2` its description, `$3` its form POST URL. The form is
/// the HTTP POST binding's, as on a page requested from the server itself.
const OPERATION_START: &str = r##"      <span>
          <p class="intro">Click <a href="$0">here</a> for a complete list of operations.</p>
          <h2>$1</h2>
          <p class="intro">$2</p>

          <h3>Test</h3>

          To test the operation using the HTTP POST protocol, click the 'Invoke' button.

                      <form target="_blank" action="$3" method="POST">
                          <table cellspacing="0" cellpadding="4" frame="box" bordercolor="#dcdcdc" rules="none" style="border-collapse: collapse;">
"##;
/// Only when the method has parameters.
const FORM_HEADER: &str = r##"                          <tr>
                            <td class="frmHeader" background="#dcdcdc" style="border-right: 2px solid white;">Parameter</td>
                            <td class="frmHeader" background="#dcdcdc">Value</td>
                          </tr>
"##;
/// `$0` parameter.
const FORM_ROW: &str = r#"                          <tr>
                            <td class="frmText" style="color: #000000; font-weight: normal;">$0:</td>
                            <td><input class="frmInput" type="text" size="50" name="$0"></td>
                          </tr>
"#;
const FORM_END: &str = r#"                          <tr>
                            <td></td>
                            <td align="right"> <input type="submit" value="Invoke" class="button"></td>
                          </tr>
                          </table>
                      </form>
"#;
/// `$0` protocol; the request sample follows.
const SAMPLE_START: &str = r#"          <span>
              <h3>$0</h3>
              <p>The following is a sample $0 request and response.  The <font class=value>placeholders</font> shown need to be replaced with actual values.</p>

              <pre>"#;
/// Between the request and the response sample.
const SAMPLE_MIDDLE: &str = "</pre>\n\n              <pre>";
const SAMPLE_END: &str = "</pre>\n          </span>\n";
const OPERATION_END: &str = "      </span>\n";
const FOOT: &str = "    </div>\n  </body>\n</html>\n";

// The samples, as the page writes them with XmlTextWriter and then HTML-escapes.

/// `$0` path, `$1` host, `$2` content type.
const SOAP_REQUEST: &str =
    "POST $0 HTTP/1.1\nHost: $1\nContent-Type: $2\nContent-Length: <font class=value>length</font>\n";
/// `$0` namespace, `$1` method.
const SOAP_ACTION: &str = "SOAPAction: \"$0$1\"\n";
/// `$0` content type.
const RESPONSE_HEAD: &str =
    "HTTP/1.1 200 OK\nContent-Type: $0\nContent-Length: <font class=value>length</font>\n";
/// `$0` envelope prefix, `$1` envelope namespace.
const ENVELOPE_START: &str = "\n&lt;?xml version=\"1.0\" encoding=\"utf-8\"?&gt;\n&lt;$0:Envelope \
    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" \
    xmlns:$0=\"$1\"&gt;\n  &lt;$0:Body&gt;";
const ENVELOPE_END: &str = "\n  &lt;/$0:Body&gt;\n&lt;/$0:Envelope&gt;";
/// `$0` method, `$1` namespace.
const REQUEST_EMPTY: &str = "\n    &lt;$0 xmlns=\"$1\" /&gt;";
const REQUEST_START: &str = "\n    &lt;$0 xmlns=\"$1\"&gt;";
/// `$0` parameter, `$1` its type.
const REQUEST_PARAM: &str = "\n      &lt;$0&gt;<font class=value>$1</font>&lt;/$0&gt;";
const REQUEST_END: &str = "\n    &lt;/$0&gt;";
/// An XmlNode result has no schema, so its placeholder is `xml`. `$0` method, `$1` namespace.
const SOAP_RESULT: &str = "\n    &lt;$0Response xmlns=\"$1\"&gt;\n      \
    &lt;$0Result&gt;<font class=value>xml</font>&lt;/$0Result&gt;\n    &lt;/$0Response&gt;";
/// The HTTP bindings return the node as a document; the page writes a bare declaration.
const HTTP_RESULT: &str = "\n&lt;?xml version=\"1.0\"?&gt;\n<font class=value>xml</font>";
/// `$0` path, `$1` method; the query follows.
const GET_REQUEST: &str = "GET $0/$1?";
/// `$0` host.
const GET_REQUEST_END: &str = " HTTP/1.1\nHost: $0\n";
/// `$0` path, `$1` method, `$2` host; the form body follows.
const POST_REQUEST: &str =
    "POST $0/$1 HTTP/1.1\nHost: $2\nContent-Type: application/x-www-form-urlencoded\n\
    Content-Length: <font class=value>length</font>\n\n";
/// `$0` parameter. The HTTP message parts are all `s:string` (see the WSDL), and the
/// page shows a part's type as its placeholder.
const QUERY_PARAM: &str = "<font class=key>$0</font>=<font class=value>string</font>";

/// (title, envelope prefix, envelope namespace, content type); SOAP 1.2 has no SOAPAction.
type Soap = [&'static str; 4];
const SOAP_11: Soap = ["SOAP 1.1", "soap", SOAP_11_NS, XML];
const SOAP_12: Soap = ["SOAP 1.2", "soap12", SOAP_12_NS, SOAP_12_TYPE];
const SOAP_11_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";
const SOAP_12_NS: &str = "http://www.w3.org/2003/05/soap-envelope";
const XML: &str = "text/xml; charset=utf-8";
const SOAP_12_TYPE: &str = "application/soap+xml; charset=utf-8";

/// The operation list, by name in ordinal order (the page's `SortedList` with
/// `StringComparer.Ordinal`: capitals first).
pub fn service_page(base: &str) -> String {
    let mut page = Page::new(base);
    page.put(LIST_START, &[FILE]);
    let mut methods: Vec<Method> = METHODS.iter().collect();
    methods.sort_by_key(|m| m.name);
    for method in methods {
        page.list_item(method.name, method.summary);
    }
    page.put(LIST_END, &[]);
    page.put(NAMESPACE_HELP, &[]);
    page.finish()
}

/// The page of one operation.
pub fn operation_page(method: Method, base: &str) -> String {
    operation(method.name, method.summary, method.params, base)
}

fn operation(name: &str, summary: &str, params: &[Param], base: &str) -> String {
    let mut page = Page::new(base);
    let action = format!("{base}/{FILE}/{name}");
    page.put(OPERATION_START, &[FILE, name, summary, &action]);
    if !params.is_empty() {
        page.put(FORM_HEADER, &[]);
    }
    for param in params {
        page.put(FORM_ROW, &[param.name]);
    }
    page.put(FORM_END, &[]);
    for soap in [SOAP_11, SOAP_12] {
        page.soap_sample(soap, name, params);
    }
    page.http_samples(name, params);
    page.put(OPERATION_END, &[]);
    page.finish()
}

struct Page {
    out: String,
    /// The host of the service URL without its port, as `Uri.Host` gives it.
    host: String,
    /// The path of the service URL.
    path: String,
}

impl Page {
    fn new(base: &str) -> Page {
        let rest = base.split_once("://").map_or(base, |(_, rest)| rest);
        let (authority, prefix) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let host = match authority.find(']') {
            Some(end) => &authority[..=end],
            None => authority.split(':').next().unwrap_or_default(),
        };
        let path = format!("{prefix}/{FILE}");
        let mut out = String::with_capacity(16 * 1024);
        fill(&mut out, HEAD, &[&path, SERVICE]);
        let host = host.to_string();
        Page { out, host, path }
    }

    fn put(&mut self, template: &str, args: &[&str]) {
        fill(&mut self.out, template, args);
    }

    fn list_item(&mut self, name: &str, summary: &str) {
        self.put(LIST_ITEM, &[FILE, name]);
        if !summary.is_empty() {
            self.put(LIST_SUMMARY, &[summary]);
        }
        // The page's item template ends in a `<p>` it never closes.
        self.put("              </li>\n              <p>\n", &[]);
    }

    fn soap_sample(&mut self, soap: Soap, name: &str, params: &[Param]) {
        let [title, prefix, envelope, content_type] = soap;
        let out = &mut self.out;
        fill(out, SAMPLE_START, &[title]);
        fill(out, SOAP_REQUEST, &[&self.path, &self.host, content_type]);
        if soap == SOAP_11 {
            fill(out, SOAP_ACTION, &[NAMESPACE, name]);
        }
        fill(out, ENVELOPE_START, &[prefix, envelope]);
        if params.is_empty() {
            fill(out, REQUEST_EMPTY, &[name, NAMESPACE]);
        } else {
            fill(out, REQUEST_START, &[name, NAMESPACE]);
            for param in params {
                let placeholder = match param.kind {
                    ParamKind::Str => "string",
                    ParamKind::Int => "int",
                    ParamKind::Bool => "boolean",
                };
                fill(out, REQUEST_PARAM, &[param.name, placeholder]);
            }
            fill(out, REQUEST_END, &[name]);
        }
        fill(out, ENVELOPE_END, &[prefix]);
        fill(out, SAMPLE_MIDDLE, &[]);
        fill(out, RESPONSE_HEAD, &[content_type]);
        fill(out, ENVELOPE_START, &[prefix, envelope]);
        fill(out, SOAP_RESULT, &[name, NAMESPACE]);
        fill(out, ENVELOPE_END, &[prefix]);
        fill(out, SAMPLE_END, &[]);
    }

    fn http_samples(&mut self, name: &str, params: &[Param]) {
        let out = &mut self.out;
        fill(out, SAMPLE_START, &["HTTP GET"]);
        fill(out, GET_REQUEST, &[&self.path, name]);
        query(out, params);
        fill(out, GET_REQUEST_END, &[&self.host]);
        http_response(out);
        fill(out, SAMPLE_START, &["HTTP POST"]);
        fill(out, POST_REQUEST, &[&self.path, name, &self.host]);
        query(out, params);
        http_response(out);
    }

    fn finish(mut self) -> String {
        self.put(FOOT, &[]);
        self.out
    }
}

fn query(out: &mut String, params: &[Param]) {
    for (i, param) in params.iter().enumerate() {
        if i > 0 {
            out.push_str("&amp;");
        }
        fill(out, QUERY_PARAM, &[param.name]);
    }
}

fn http_response(out: &mut String) {
    fill(out, SAMPLE_MIDDLE, &[]);
    fill(out, RESPONSE_HEAD, &[XML]);
    fill(out, HTTP_RESULT, &[]);
    fill(out, SAMPLE_END, &[]);
}

/// Appends `template` with IIS line breaks and each `$n` replaced by `args[n]`,
/// HTML-escaped.
fn fill(out: &mut String, template: &str, args: &[&str]) {
    let mut rest = template;
    while let Some(at) = rest.find(['\n', '$']) {
        let (before, after) = rest.split_at(at);
        out.push_str(before);
        if let Some(after) = after.strip_prefix('\n') {
            out.push_str(NEWLINE);
            rest = after;
        } else {
            html_encode_into(out, args[usize::from(after.as_bytes()[1] - b'0')]);
            rest = &after[2..];
        }
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;
    use ParamKind::{Bool, Int, Str};

    const BASE: &str = "http://127.0.0.1:8080";

    fn p(name: &'static str, kind: ParamKind) -> Param {
        Param { name, kind }
    }

    /// IIS line breaks, nothing fetched from elsewhere, and every element that needs
    /// an end tag has one.
    fn assert_sound(page: &str) {
        assert_eq!(page.matches('\n').count(), page.matches("\r\n").count());
        let lower = page.to_ascii_lowercase();
        for external in ["<script", "src=", "stylesheet", "@import", "url("] {
            assert!(!lower.contains(external), "{external}");
        }
        // The list's bare `<p>` after each item is the page's own.
        let lower = lower.replace("</li>\r\n              <p>\r\n", "</li>\r\n");
        let tags = "html head style title body div span ul li p pre form table tr td h2 h3 a font";
        for tag in tags.split(' ') {
            let count = |pattern: String| lower.matches(&pattern).count();
            let opened = count(format!("<{tag}>")) + count(format!("<{tag} "));
            assert_eq!(opened, count(format!("</{tag}>")), "<{tag}>");
        }
    }

    /// The test form's action and the `name` of each of its inputs.
    fn form(page: &str) -> (&str, Vec<&str>) {
        let form = &page[page.find("<form ").unwrap()..page.find("</form>").unwrap()];
        let input = r#"<input class="frmInput" type="text" size="50" name=""#;
        let action = form
            .split("action=\"")
            .nth(1)
            .map(|a| &a[..a.find('"').unwrap()]);
        (
            action.unwrap(),
            form.split(input)
                .skip(1)
                .map(|i| &i[..i.find('"').unwrap()])
                .collect(),
        )
    }

    #[test]
    fn service_page_lists_every_method_in_ordinal_order() {
        let page = service_page(BASE);
        assert_sound(&page);
        assert!(page.contains("<title>\r\n    srv Web Service\r\n</title>"));
        assert!(
            page.contains(r#"please review the <a href="srv.asmx?WSDL">Service Description</a>"#)
        );
        assert!(page.contains("using http://tempuri.org/ as its default namespace."));
        let mut sorted: Vec<Method> = METHODS.iter().collect();
        sorted.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
        assert_eq!(sorted.last().map(|m| m.name), Some("isValidTicket"));
        let mut from = 0;
        for m in sorted {
            let item = format!(
                "<a href=\"srv.asmx?op={0}\">{0}</a>\r\n                <span>\r\n                  <br>{1}\r\n                </span>\r\n              </li>\r\n              <p>\r\n",
                m.name,
                encoded(m.summary)
            );
            from += page[from..]
                .find(&item)
                .unwrap_or_else(|| panic!("{} in order", m.name));
        }
    }

    fn encoded(text: &str) -> String {
        let mut out = String::new();
        html_encode_into(&mut out, text);
        out
    }

    #[test]
    fn each_operation_page_posts_its_parameters_to_the_form_binding() {
        for m in METHODS {
            let page = operation_page(m, BASE);
            assert_sound(&page);
            let params: Vec<&str> = m.params.iter().map(|p| p.name).collect();
            let action = format!("{BASE}/srv.asmx/{}", m.name);
            assert_eq!(form(&page), (action.as_str(), params));
            assert!(
                !page.contains("enctype"),
                "the default encoding is form-urlencoded"
            );
            let intro = format!(
                "<h2>{}</h2>\r\n          <p class=\"intro\">{}</p>",
                m.name,
                encoded(m.summary)
            );
            assert!(page.contains(&intro));
            assert!(page.contains(&format!(
                "SOAPAction: \"http://tempuri.org/{}\"\r\n",
                m.name
            )));
            assert!(page.contains(&format!("GET /srv.asmx/{}?", m.name)));
            assert!(page.contains(&format!(
                "POST /srv.asmx/{} HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                m.name
            )));
        }
    }

    #[test]
    fn samples_follow_microsoft() {
        let params = [p("UID", Str), p("n", Int), p("b", Bool)];
        let page = operation("M", "", &params, "http://example.test:81/app");
        for expected in [
            "<pre>POST /app/srv.asmx HTTP/1.1\r\nHost: example.test\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: <font class=value>length</font>\r\nSOAPAction: \"http://tempuri.org/M\"\r\n\r\n&lt;?xml version=\"1.0\" encoding=\"utf-8\"?&gt;\r\n&lt;soap:Envelope xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"&gt;\r\n  &lt;soap:Body&gt;\r\n    &lt;M xmlns=\"http://tempuri.org/\"&gt;\r\n      &lt;UID&gt;<font class=value>string</font>&lt;/UID&gt;\r\n      &lt;n&gt;<font class=value>int</font>&lt;/n&gt;\r\n      &lt;b&gt;<font class=value>boolean</font>&lt;/b&gt;\r\n    &lt;/M&gt;\r\n  &lt;/soap:Body&gt;\r\n&lt;/soap:Envelope&gt;</pre>",
            "<pre>HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml; charset=utf-8\r\nContent-Length: <font class=value>length</font>\r\n\r\n&lt;?xml version=\"1.0\" encoding=\"utf-8\"?&gt;\r\n&lt;soap12:Envelope xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:soap12=\"http://www.w3.org/2003/05/soap-envelope\"&gt;\r\n  &lt;soap12:Body&gt;\r\n    &lt;MResponse xmlns=\"http://tempuri.org/\"&gt;\r\n      &lt;MResult&gt;<font class=value>xml</font>&lt;/MResult&gt;\r\n    &lt;/MResponse&gt;\r\n  &lt;/soap12:Body&gt;\r\n&lt;/soap12:Envelope&gt;</pre>",
            "<pre>GET /app/srv.asmx/M?<font class=key>UID</font>=<font class=value>string</font>&amp;<font class=key>n</font>=<font class=value>string</font>&amp;<font class=key>b</font>=<font class=value>string</font> HTTP/1.1\r\nHost: example.test\r\n</pre>",
            "<pre>HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: <font class=value>length</font>\r\n\r\n&lt;?xml version=\"1.0\"?&gt;\r\n<font class=value>xml</font></pre>",
            "Content-Length: <font class=value>length</font>\r\n\r\n<font class=key>UID</font>=<font class=value>string</font>&amp;",
        ] {
            assert!(page.contains(expected), "missing {expected}");
        }
        assert_eq!(page.matches("SOAPAction").count(), 1, "none in SOAP 1.2");
    }

    #[test]
    fn a_method_without_parameters() {
        let page = operation("Bare", "", &[], "http://[::1]:8080");
        assert_sound(&page);
        assert_eq!(form(&page), ("http://[::1]:8080/srv.asmx/Bare", vec![]));
        assert!(!page.contains("frmHeader"));
        assert!(page.contains("&lt;Bare xmlns=\"http://tempuri.org/\" /&gt;"));
        assert!(page.contains("GET /srv.asmx/Bare? HTTP/1.1\r\nHost: [::1]\r\n"));
    }

    #[test]
    fn inserted_text_is_escaped() {
        let page = operation("M", "a <b> & c", &[p("x\"<y&", Str)], "http://h/\"<");
        assert_sound(&page);
        assert!(page.contains("<p class=\"intro\">a &lt;b&gt; &amp; c</p>"));
        assert_eq!(
            form(&page),
            ("http://h/&quot;&lt;/srv.asmx/M", vec!["x&quot;&lt;y&amp;"])
        );
        assert!(page.contains("&lt;x&quot;&lt;y&amp;&gt;<font class=value>string</font>"));
        let mut list = Page::new(BASE);
        list.list_item("M", "a <b> & c");
        assert!(list.out.ends_with(
            "<br>a &lt;b&gt; &amp; c\r\n                </span>\r\n              </li>\r\n              <p>\r\n"
        ));
    }
}
