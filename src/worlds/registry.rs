//! The worlds a server holds, by name: `default` (the `--db` file) and every world made
//! since, on first use or by the admin API, up to `--max-worlds`. Looking a world up
//! takes a read lock; making or deleting one takes the one `making` lock, so that many
//! first requests to a new world make it once, and a name being deleted is not made
//! again before its files are gone. Worlds unused for `--world-idle` are dropped under
//! that lock too, whenever a world is about to be made and when the worlds are listed:
//! no thread of its own, and a request that found the world keeps it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{Duration, Instant};

use super::error::WorldError;
use super::files;
use super::name::WorldName;
use super::world::{Blueprint, World};
use crate::ops::hash_fixture_password;
use crate::store::{FixtureSet, FixtureSource};

/// How long a deletion waits for the requests still in the world to finish.
const DRAIN: Duration = Duration::from_secs(10);
/// How often it looks: nothing signals a handle's drop, and deletions are rare.
const DRAIN_POLL: Duration = Duration::from_millis(2);

pub struct Worlds {
    default: Arc<World>,
    named: RwLock<HashMap<WorldName, Arc<World>>>,
    /// Held while a world is made or deleted; holds the template once made.
    making: Mutex<Option<Vec<u8>>>,
    dir: PathBuf,
    fixtures: FixtureSource,
    max: usize,
    /// `--world-idle`, in seconds of the default world's clock.
    idle: i64,
    blueprint: Blueprint,
}

impl Worlds {
    /// The default world and the worlds a previous run left beside `db`.
    pub fn open(
        default: World,
        db: &Path,
        fixtures: FixtureSource,
        max: usize,
        idle: Duration,
        blueprint: Blueprint,
    ) -> Result<Worlds, WorldError> {
        let dir = files::directory(db);
        let found = files::existing(&dir)
            .map_err(|e| WorldError::Directory(format!("{}: {e}", dir.display())))?;
        let mut named = HashMap::new();
        for (name, path) in found {
            let opened = files::open(&path).and_then(|opened| {
                World::from_blueprint(&blueprint, name.clone(), opened, path)
                    .map_err(|e| e.to_string())
            });
            let world = opened.map_err(|reason| WorldError::Open {
                name: name.clone(),
                reason,
            })?;
            named.insert(name, Arc::new(world));
        }
        Ok(Worlds {
            default: Arc::new(default),
            named: RwLock::new(named),
            making: Mutex::default(),
            dir,
            fixtures,
            max,
            idle: i64::try_from(idle.as_secs()).unwrap_or(i64::MAX),
            blueprint,
        })
    }

    pub fn default_world(&self) -> &Arc<World> {
        &self.default
    }

    fn named(&self) -> std::sync::RwLockReadGuard<'_, HashMap<WorldName, Arc<World>>> {
        // Every change is one insert or remove: a poisoned map is still whole.
        self.named.read().unwrap_or_else(|p| p.into_inner())
    }

    fn named_mut(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<WorldName, Arc<World>>> {
        self.named.write().unwrap_or_else(|p| p.into_inner())
    }

    fn making(&self) -> MutexGuard<'_, Option<Vec<u8>>> {
        // The template is set whole or not at all.
        self.making.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn get(&self, name: &WorldName) -> Option<Arc<World>> {
        if name.is_default() {
            return Some(Arc::clone(&self.default));
        }
        self.named().get(name).cloned()
    }

    /// The world a request may enter as it is: one that exists and has not been idle
    /// for `--world-idle`. An idle one is dropped by [`Worlds::resolve`] first, so its
    /// next request finds it made afresh whether or not a sweep ran in between.
    pub fn get_live(&self, name: &WorldName) -> Option<Arc<World>> {
        self.get(name)
            .filter(|world| name.is_default() || !world.idle(self.idle))
    }

    /// The world, made from the startup fixtures if it does not exist or was idle.
    /// Blocks.
    pub fn resolve(&self, name: WorldName) -> Result<Arc<World>, WorldError> {
        if let Some(world) = self.get_live(&name) {
            return Ok(world);
        }
        let mut template = self.making();
        self.sweep();
        // Another request may have made it while this one waited; a world still in use
        // outlives the sweep and is served as it is.
        match self.get(&name) {
            Some(world) => Ok(world),
            None => self.make(&mut template, name, None),
        }
    }

    /// A new world, from the startup fixtures or from `fixtures` (passwords hashed).
    /// Blocks.
    pub fn create(
        &self,
        name: WorldName,
        fixtures: Option<&FixtureSet>,
    ) -> Result<Arc<World>, WorldError> {
        let mut template = self.making();
        if self.get(&name).is_some() {
            return Err(WorldError::Exists(name));
        }
        self.make(&mut template, name, fixtures)
    }

    /// Called with `making` held, for a name not in the map.
    fn make(
        &self,
        template: &mut Option<Vec<u8>>,
        name: WorldName,
        fixtures: Option<&FixtureSet>,
    ) -> Result<Arc<World>, WorldError> {
        // Before the limit is checked, so that idle worlds make room.
        self.sweep();
        if self.named().len() >= self.max {
            return Err(WorldError::Limit(self.max));
        }
        let failed = |reason: String| WorldError::Create {
            name: name.clone(),
            reason,
        };
        if template.is_none() {
            *template = Some(files::template(&self.dir, &self.fixtures).map_err(failed)?);
        }
        let path = files::path(&self.dir, &name);
        files::write(&path, template.as_deref().unwrap_or_default()).map_err(failed)?;
        let world = match self.load(&name, &path, fixtures) {
            Ok(world) => Arc::new(world),
            Err(e) => {
                files::remove(&path);
                return Err(match e {
                    Loaded::Store(reason) => failed(reason),
                    Loaded::Fixtures(e) => WorldError::Fixtures(e),
                });
            }
        };
        self.named_mut().insert(name, Arc::clone(&world));
        tracing::info!(world = %world.name, "created a world");
        Ok(world)
    }

    /// Opens a world file just written; the store is closed again when this fails.
    fn load(
        &self,
        name: &WorldName,
        path: &Path,
        fixtures: Option<&FixtureSet>,
    ) -> Result<World, Loaded> {
        let (lock, store) = files::open(path).map_err(Loaded::Store)?;
        if let Some(set) = fixtures {
            store
                .replace_all(set, &hash_fixture_password)
                .map_err(Loaded::Fixtures)?;
        }
        World::from_blueprint(
            &self.blueprint,
            name.clone(),
            (lock, store),
            path.to_path_buf(),
        )
        .map_err(|e| Loaded::Store(e.to_string()))
    }

    /// Removes a world and its file, once the requests still in it are answered.
    /// Blocks.
    pub fn delete(&self, name: &WorldName) -> Result<(), WorldError> {
        if name.is_default() {
            return Err(WorldError::DeleteDefault);
        }
        let _making = self.making();
        let world = self
            .named_mut()
            .remove(name)
            .ok_or_else(|| WorldError::NotFound(name.clone()))?;
        let deadline = Instant::now() + DRAIN;
        while world.in_use() {
            if Instant::now() >= deadline {
                self.named_mut().insert(name.clone(), world);
                return Err(WorldError::InUse(name.clone()));
            }
            std::thread::sleep(DRAIN_POLL);
        }
        self.retire(world);
        tracing::info!(world = %name, "deleted a world");
        Ok(())
    }

    /// Drops every world unused for `--world-idle`; `default` is never one of them.
    /// Blocks.
    pub fn drop_idle(&self) {
        let _making = self.making();
        self.sweep();
    }

    /// Called with `making` held.
    fn sweep(&self) {
        let idle: Vec<WorldName> = (self.named().values())
            .filter(|world| world.idle(self.idle))
            .map(|world| world.name.clone())
            .collect();
        for name in idle {
            let mut named = self.named_mut();
            let Some(world) = named.remove(&name) else {
                continue;
            };
            // A request may have found it since: then it is in use, or was just used.
            if world.in_use() || !world.idle(self.idle) {
                named.insert(name, world);
                continue;
            }
            drop(named);
            self.retire(world);
            tracing::info!(world = %name, "dropped an idle world");
        }
    }

    /// Closes a world out of the map that nothing else holds, and removes its files
    /// and its series on `/metrics`.
    fn retire(&self, world: Arc<World>) {
        world.control.forget();
        let path = world.path.clone();
        // The last handle: every connection closes here, before the files go.
        drop(world);
        files::remove(&path);
    }

    /// Every world, `default` first, then by name.
    pub fn all(&self) -> Vec<Arc<World>> {
        let mut named: Vec<_> = self.named().values().cloned().collect();
        named.sort_by(|a, b| a.name.cmp(&b.name));
        std::iter::once(Arc::clone(&self.default))
            .chain(named)
            .collect()
    }

    /// At stop: each world's deferred ticket slides written back and its WAL emptied
    /// into its file, as for `default`.
    pub fn close(&self) {
        for world in self.named().values() {
            let store = world.store();
            if let Err(e) = store.flush_slides().and_then(|_| store.checkpoint()) {
                tracing::error!(world = %world.name, error = %e, "could not close the world");
            }
        }
    }
}

enum Loaded {
    Store(String),
    Fixtures(crate::store::FixtureError),
}
