//! World names, parsed once where they enter (a URL segment, an admin body, a file
//! name on disk), so everything past that holds a name that is known to be valid.

use std::fmt;
use std::sync::Arc;

/// The world of every unprefixed path.
pub const DEFAULT: &str = "default";

/// The longest name: a file name of its own (plus `.db`) on every file system.
const MAX_LEN: usize = 64;

/// What a name must be, as every refusal words it.
pub const RULE: &str = "a world name is 1 to 64 of the characters A-Z a-z 0-9 _ . - \
    (case-sensitive), and not \".\" or \"..\"";

/// A valid world name: cheap to clone, shared by the registry and every request in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WorldName(Arc<str>);

/// A name that breaks [`RULE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{RULE}")]
pub struct InvalidName;

impl WorldName {
    /// `.` and `..` pass the character rule, but a client resolving a WSDL address such
    /// as `/worlds/../srv.asmx` would land in another world: they are refused.
    pub fn parse(text: &str) -> Result<WorldName, InvalidName> {
        let allowed = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-');
        if (1..=MAX_LEN).contains(&text.len())
            && text.bytes().all(allowed)
            && !matches!(text, "." | "..")
        {
            Ok(WorldName(Arc::from(text)))
        } else {
            Err(InvalidName)
        }
    }

    pub fn default_world() -> WorldName {
        WorldName(Arc::from(DEFAULT))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_default(&self) -> bool {
        &*self.0 == DEFAULT
    }

    /// The shared text, for handles that keep the name (the journal, the log line).
    pub fn shared(&self) -> Arc<str> {
        Arc::clone(&self.0)
    }
}

impl fmt::Display for WorldName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_rule() {
        let longest = "a".repeat(64);
        for good in ["a", "A-b_c.9", "srv.asmx", "...", "-", longest.as_str()] {
            assert_eq!(
                WorldName::parse(good).map(|n| n.to_string()),
                Ok(good.into())
            );
        }
        let too_long = "a".repeat(65);
        for bad in ["", ".", "..", "a/b", "a%2Fb", "é", "a b", too_long.as_str()] {
            assert_eq!(WorldName::parse(bad), Err(InvalidName), "{bad:?}");
        }
    }
}
