//! A world's files: `<db>.worlds/<name>.db`, made by copying a template database
//! (the startup fixtures, seeded once, passwords hashed once) rather than by seeding
//! each world afresh. A copy is written under a temporary name and renamed into place,
//! so a failure leaves no world file behind.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::name::WorldName;
use super::world::sibling;
use crate::ops::hash_fixture_password;
use crate::store::{lock_path, DbLock, FixtureSource, Store};

const EXTENSION: &str = ".db";
/// A file being written; never a world's (a world's file ends in [`EXTENSION`]).
const PARTIAL: &str = ".partial";

/// The directory of the worlds beside `--db`.
pub fn directory(db: &Path) -> PathBuf {
    sibling(db, ".worlds")
}

pub fn path(dir: &Path, name: &WorldName) -> PathBuf {
    dir.join(format!("{name}{EXTENSION}"))
}

/// The worlds a previous run left, by name; partial files it left are removed.
pub fn existing(dir: &Path) -> std::io::Result<Vec<(WorldName, PathBuf)>> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut found = Vec::new();
    for entry in entries {
        let path = entry?.path();
        let Some(file) = path.file_name().and_then(|f| f.to_str()) else {
            continue;
        };
        // With the WAL and shared memory of a template a crash interrupted.
        if ["", "-wal", "-shm"]
            .iter()
            .any(|suffix| file.ends_with(&[PARTIAL, suffix].concat()))
        {
            fs::remove_file(&path)?;
        } else if let Some(name) = file.strip_suffix(EXTENSION) {
            if let Ok(name) = WorldName::parse(name) {
                found.push((name, path));
            }
        }
    }
    Ok(found)
}

/// A world's file, locked for this process (as `--db` is: `store/lock.rs`) and opened.
pub fn open(path: &Path) -> Result<(DbLock, Store), String> {
    let lock = DbLock::acquire(path)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("{} is no file", path.display()))?;
    let store = Store::open(path).map_err(|e| e.to_string())?;
    Ok((lock, store))
}

/// The template: a database seeded from `fixtures`, as bytes.
pub fn template(dir: &Path, fixtures: &FixtureSource) -> Result<Vec<u8>, String> {
    fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let path = dir.join(format!("template{EXTENSION}{PARTIAL}"));
    let made = (|| {
        let store = Store::open(&path).map_err(|e| e.to_string())?;
        store
            .seed_if_empty(fixtures, hash_fixture_password)
            .map_err(|e| format!("loading {fixtures}: {e}"))?;
        // Everything into the file itself, which is what gets copied.
        store.checkpoint().map_err(|e| e.to_string())?;
        drop(store);
        fs::read(&path).map_err(|e| e.to_string())
    })();
    remove(&path);
    made
}

/// Writes `template` as the world's file at `path`: complete and synced, or not at all.
pub fn write(path: &Path, template: &[u8]) -> Result<(), String> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let partial = sibling(path, PARTIAL);
    let written = (|| {
        fs::create_dir_all(dir)?;
        let mut file = fs::File::create(&partial)?;
        file.write_all(template)?;
        file.sync_all()?;
        fs::rename(&partial, path)?;
        // The rename itself must survive a power cut, as every acknowledged write does.
        fs::File::open(dir)?.sync_all()
    })();
    written.map_err(|e| {
        remove(&partial);
        format!("writing {}: {e}", path.display())
    })
}

/// Removes a database file, what SQLite keeps beside it and its lock file; what is
/// not there is fine.
pub fn remove(path: &Path) {
    for file in [
        path.to_path_buf(),
        sibling(path, "-wal"),
        sibling(path, "-shm"),
        lock_path(path),
    ] {
        if let Err(e) = fs::remove_file(&file) {
            if e.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!(file = %file.display(), error = %e, "could not remove");
            }
        }
    }
}
