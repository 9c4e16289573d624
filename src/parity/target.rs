//! An `http://host[:port][/base]` URL: where the proxy forwards to, or what a replay
//! runs against. The recorded paths (`/srv.asmx`, `/client/…`) go after `base`.

use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use crate::parity::error::ParityError;
use crate::parity::wire::Message;

/// How long a connection may take to open, and a read or write to progress.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const IO_TIMEOUT: Duration = Duration::from_secs(120);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// `host:port` as written (the Host header the target expects).
    pub authority: String,
    /// The path the recorded paths are appended to, without a trailing `/` (may be "").
    pub base: String,
}

impl Target {
    pub fn parse(url: &str) -> Result<Target, ParityError> {
        let bad = || ParityError::BadUrl(url.to_string());
        let rest = url.strip_prefix("http://").ok_or_else(bad)?;
        let (authority, base) = match rest.find('/') {
            Some(at) => rest.split_at(at),
            None => (rest, ""),
        };
        if authority.is_empty() || base.contains(['?', '#']) {
            return Err(bad());
        }
        Ok(Target {
            authority: authority.to_string(),
            base: base.trim_end_matches('/').to_string(),
        })
    }

    /// `http://authority/base`, as the target's own documents name it.
    pub fn url(&self) -> String {
        format!("http://{}{}", self.authority, self.base)
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

    /// A fresh connection, with the tools' time limits.
    pub fn connect(&self) -> Result<TcpStream, ParityError> {
        let unreachable = |source| ParityError::Unreachable {
            url: self.url(),
            source,
        };
        let with_port = if self.authority.contains(':') {
            self.authority.clone()
        } else {
            format!("{}:80", self.authority)
        };
        let mut last = std::io::Error::other("the host name resolves to no address");
        for addr in with_port.to_socket_addrs().map_err(unreachable)? {
            match TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT) {
                Ok(stream) => {
                    stream.set_read_timeout(Some(IO_TIMEOUT)).ok();
                    stream.set_write_timeout(Some(IO_TIMEOUT)).ok();
                    stream.set_nodelay(true).ok();
                    return Ok(stream);
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
    fn a_url_splits_into_authority_and_base() {
        let t = Target::parse("http://h:81/worlds/a/").unwrap();
        assert_eq!(
            (t.authority.as_str(), t.base.as_str()),
            ("h:81", "/worlds/a")
        );
        assert_eq!(Target::parse("http://h").unwrap().base, "");
        assert!(Target::parse("https://h").is_err());
        assert!(Target::parse("http:///x").is_err());
    }
}
