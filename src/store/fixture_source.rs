//! Where the seed data comes from: the fixtures compiled into the binary (so it starts
//! from any directory, installed or not), or a directory given with `--fixtures`.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

use super::fixture_error::FixtureError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixtureSource {
    /// The repository's `fixtures/`, as it was when the binary was built.
    BuiltIn,
    Dir(PathBuf),
}

/// The built-in files, by name.
const BUILT_IN: [(&str, &str); 2] = [
    ("users.json", include_str!("../../fixtures/users.json")),
    ("vendors.json", include_str!("../../fixtures/vendors.json")),
];

impl FixtureSource {
    /// The text of the fixture file `name`; `None` when the source has no such file.
    pub(super) fn read(&self, name: &str) -> Result<Option<Cow<'static, str>>, FixtureError> {
        match self {
            FixtureSource::BuiltIn => Ok(BUILT_IN
                .iter()
                .find(|(file, _)| *file == name)
                .map(|(_, text)| Cow::Borrowed(*text))),
            FixtureSource::Dir(dir) => {
                let path = dir.join(name);
                match std::fs::read_to_string(&path) {
                    Ok(text) => Ok(Some(Cow::Owned(text))),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound && name != REQUIRED => {
                        Ok(None)
                    }
                    Err(source) => Err(FixtureError::Read { path, source }),
                }
            }
        }
    }

    /// The file `name` as error messages name it.
    pub(super) fn path(&self, name: &str) -> PathBuf {
        match self {
            FixtureSource::BuiltIn => Path::new("(built-in fixtures)").join(name),
            FixtureSource::Dir(dir) => dir.join(name),
        }
    }
}

/// The one file every fixture directory has.
const REQUIRED: &str = "users.json";

impl fmt::Display for FixtureSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FixtureSource::BuiltIn => f.write_str("the built-in fixtures"),
            FixtureSource::Dir(dir) => write!(f, "{}", dir.display()),
        }
    }
}

impl From<&Path> for FixtureSource {
    fn from(dir: &Path) -> FixtureSource {
        FixtureSource::Dir(dir.to_owned())
    }
}

impl From<&PathBuf> for FixtureSource {
    fn from(dir: &PathBuf) -> FixtureSource {
        FixtureSource::Dir(dir.clone())
    }
}

impl From<&FixtureSource> for FixtureSource {
    fn from(source: &FixtureSource) -> FixtureSource {
        source.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_fixtures_are_the_repositorys() {
        let dir = FixtureSource::Dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"));
        for (name, _) in BUILT_IN {
            assert_eq!(
                FixtureSource::BuiltIn.read(name).unwrap(),
                dir.read(name).unwrap(),
                "{name}"
            );
        }
        assert_eq!(FixtureSource::BuiltIn.read("other.json").unwrap(), None);
    }
}
