//! An `http://` or `https://` `host[:port][/base]` URL: where the proxy forwards to, or
//! what a replay runs against. The recorded paths (`/srv.asmx`, `/client/…`) go after
//! `base`.

use std::net::{TcpStream, ToSocketAddrs};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rustls::ClientConfig;

use crate::parity::error::ParityError;
use crate::parity::tls::{client_config, handshake, Conn};
use crate::parity::wire::Message;

/// How long a connection may take to open, and a read or write to progress.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const IO_TIMEOUT: Duration = Duration::from_secs(120);

#[derive(Debug, Clone)]
pub struct Target {
    /// `host:port` as written (the Host header the target expects).
    pub authority: String,
    /// The path the recorded paths are appended to, without a trailing `/` (may be "").
    pub base: String,
    /// The host alone (an IPv6 address without its brackets): what is dialled, and the
    /// name a TLS certificate must carry.
    host: String,
    /// The port written, or the scheme's.
    port: u16,
    /// How to check the certificate of an `https://` target; `None` for `http://`.
    tls: Option<Arc<ClientConfig>>,
}

impl Target {
    /// Parses `url`; an `https://` one trusts the system's roots and the certificates
    /// of `ca`.
    pub fn parse(url: &str, ca: Option<&Path>) -> Result<Target, ParityError> {
        let bad = || ParityError::BadUrl(url.to_string());
        let (rest, https) = match (url.strip_prefix("http://"), url.strip_prefix("https://")) {
            (Some(rest), _) => (rest, false),
            (_, Some(rest)) => (rest, true),
            _ => return Err(bad()),
        };
        let (authority, base) = match rest.find('/') {
            Some(at) => rest.split_at(at),
            None => (rest, ""),
        };
        if base.contains(['?', '#']) {
            return Err(bad());
        }
        let (host, port) = match authority.strip_prefix('[') {
            Some(v6) => v6.split_once(']').ok_or_else(bad)?,
            None => authority.split_once(':').unwrap_or((authority, "")),
        };
        let port = match port.strip_prefix(':').unwrap_or(port) {
            "" if https => 443,
            "" => 80,
            digits => digits.parse().map_err(|_| bad())?,
        };
        if host.is_empty() {
            return Err(bad());
        }
        Ok(Target {
            authority: authority.to_string(),
            base: base.trim_end_matches('/').to_string(),
            host: host.to_string(),
            port,
            tls: if https {
                Some(client_config(ca)?)
            } else {
                None
            },
        })
    }

    /// `http://authority` or `https://authority`.
    pub fn origin(&self) -> String {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{}", self.authority)
    }

    /// The origin and the base, as the target's own documents name it.
    pub fn url(&self) -> String {
        format!("{}{}", self.origin(), self.base)
    }

    /// `request` as this target gets it: its path under the base, its `Host` this
    /// target's, its `Content-Length` (if it has one) that of its body; every other
    /// byte as it was.
    pub fn request_for(&self, request: &Message) -> Vec<u8> {
        let (method, path) = request.head.parts();
        let version = request.head.version();
        let mut out = format!("{method} {}{path} {version}\r\n", self.base).into_bytes();
        let head = &request.bytes[..request.head.len];
        let first_line_end = head
            .windows(2)
            .position(|w| w == b"\r\n")
            .map_or(head.len(), |at| at + 2);
        let mut rest = &head[first_line_end..];
        while let Some(end) = rest.windows(2).position(|w| w == b"\r\n") {
            if end == 0 {
                break;
            }
            let line = &rest[..end];
            let name = line.split(|&b| b == b':').next().unwrap_or_default();
            if name.eq_ignore_ascii_case(b"host") {
                out.extend_from_slice(format!("Host: {}\r\n", self.authority).as_bytes());
            } else if name.eq_ignore_ascii_case(b"content-length") && line.contains(&b':') {
                let length = request.body().len();
                out.extend_from_slice(format!("Content-Length: {length}\r\n").as_bytes());
            } else {
                out.extend_from_slice(&rest[..end + 2]);
            }
            rest = &rest[end + 2..];
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(request.body());
        out
    }

    /// A fresh connection, with the tools' time limits; over TLS for `https://`, its
    /// handshake done.
    pub fn connect(&self) -> Result<Conn, ParityError> {
        let unreachable = |source| ParityError::Unreachable {
            url: self.url(),
            source,
        };
        let addresses = (self.host.as_str(), self.port)
            .to_socket_addrs()
            .map_err(unreachable)?;
        let mut last = std::io::Error::other("the host name resolves to no address");
        for addr in addresses {
            match TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT) {
                Ok(stream) => {
                    stream.set_read_timeout(Some(IO_TIMEOUT)).ok();
                    stream.set_write_timeout(Some(IO_TIMEOUT)).ok();
                    stream.set_nodelay(true).ok();
                    let Some(config) = &self.tls else {
                        return Ok(Conn::Plain(stream));
                    };
                    return handshake(config, &self.host, stream).map_err(|source| {
                        ParityError::Tls {
                            url: self.url(),
                            source,
                        }
                    });
                }
                Err(e) => last = e,
            }
        }
        Err(unreachable(last))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_splits_into_authority_base_host_and_port() {
        let t = Target::parse("http://h:81/worlds/a/", None).unwrap();
        assert_eq!(
            (
                t.authority.as_str(),
                t.base.as_str(),
                t.host.as_str(),
                t.port
            ),
            ("h:81", "/worlds/a", "h", 81)
        );
        assert_eq!(t.url(), "http://h:81/worlds/a");
        let t = Target::parse("http://h", None).unwrap();
        assert_eq!((t.base.as_str(), t.port), ("", 80));
        let t = Target::parse("https://[::1]/x", None).unwrap();
        assert_eq!((t.host.as_str(), t.port), ("::1", 443));
        assert_eq!(t.url(), "https://[::1]/x");
        for bad in [
            "ftp://h",
            "http:///x",
            "http://h:port",
            "https://[::1",
            "http://h/?q",
        ] {
            assert!(Target::parse(bad, None).is_err(), "{bad}");
        }
    }
}
