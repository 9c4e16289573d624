//! The operation a request calls, for file names and the report's summary: the SOAP
//! method (from `SOAPAction` or the SOAP 1.2 `action` parameter), the method of a GET or
//! form POST (`/srv.asmx/GetUser`), the service documents (`WSDL`, `disco`, `help`), or
//! a vendor route with its ids left out (`PATCH /client/update-user`).

use crate::parity::wire::Message;

pub fn of(request: &Message) -> String {
    let (method, target) = request.head.parts();
    let path = target.split('?').next().unwrap_or_default();
    let query = target
        .split_once('?')
        .map_or("", |(_, q)| q)
        .to_ascii_lowercase();
    let lower = path.to_ascii_lowercase();
    if let Some(at) = lower.find(".asmx/") {
        return path[at + ".asmx/".len()..].trim_matches('/').to_string();
    }
    if lower.ends_with(".asmx") || lower.ends_with(".asmx/") {
        return match method {
            "POST" => soap_action(request).unwrap_or_else(|| "SOAP".into()),
            _ if query == "wsdl" => "WSDL".into(),
            _ if query == "disco" => "disco".into(),
            _ => match query.strip_prefix("op=") {
                Some(_) => format!("help {}", &target[target.len() - (query.len() - 3)..]),
                None => "help".into(),
            },
        };
    }
    let route: Vec<&str> = path
        .split('/')
        .map(|segment| if is_id(segment) { "{id}" } else { segment })
        .collect();
    format!("{method} {}", route.join("/"))
}

/// A path segment that is an id: a number, or a long token with digits (an ObjectId, a
/// GUID), not a version such as `v2`.
fn is_id(segment: &str) -> bool {
    let digits = segment.chars().any(|c| c.is_ascii_digit());
    digits && (segment.chars().all(|c| c.is_ascii_digit()) || segment.len() >= 16)
}

fn soap_action(request: &Message) -> Option<String> {
    let action = request
        .head
        .get("soapaction")
        .map(str::to_string)
        .or_else(|| {
            let content_type = request.head.get("content-type")?;
            content_type
                .split(';')
                .filter_map(|p| p.trim().strip_prefix("action="))
                .next()
                .map(str::to_string)
        })?;
    let action = action.trim().trim_matches('"');
    let name = action.rsplit(['/', '#']).next().unwrap_or(action);
    (!name.is_empty()).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parity::wire::{parse_message, Side};

    fn op(head: &str) -> String {
        of(&parse_message(head.as_bytes(), Side::Request).unwrap())
    }

    #[test]
    fn operations_are_named_by_binding() {
        assert_eq!(op("GET /srv.asmx?WSDL HTTP/1.1\r\n\r\n"), "WSDL");
        assert_eq!(
            op("GET /srv.asmx?op=GetUser HTTP/1.1\r\n\r\n"),
            "help GetUser"
        );
        assert_eq!(op("GET /srv.asmx/GetUser?x=1 HTTP/1.1\r\n\r\n"), "GetUser");
        assert_eq!(
            op("POST /srv.asmx HTTP/1.1\r\nSOAPAction: \"http://tempuri.org/LogOut\"\r\n\r\n"),
            "LogOut"
        );
        assert_eq!(op("GET /users/3 HTTP/1.1\r\n\r\n"), "GET /users/{id}");
        assert_eq!(
            op("PUT /api/v2/Users/0f54d07a-f8b1-43c1-af92-71e41f3cc103 HTTP/1.1\r\n\r\n"),
            "PUT /api/v2/Users/{id}"
        );
    }
}
