//! Rows that point reads ask for again and again (a ticket's session, a user), kept
//! across reads and writes until a commit changes them.
//!
//! The writer moves `generation` just before and just after every commit, so it is odd
//! while one is under way, and forgets the rows the batch changed in between
//! ([`ReadCache::commit_ended`], from `batch_changes`). A view serves a read only while
//! its generation is even and still current: the read began after the last commit
//! ended, and every entry it finds is a row no commit has changed since it was read.
//! An entry is put only under the same condition, so a read whose snapshot began
//! before a commit cannot put a row that commit changed after the commit forgot it.
//! So a read never sees a row older than the last write acknowledged to anyone, and
//! during a commit reads go to SQLite as they would without the cache.
//!
//! Writes use it too, through a view that knows what their batch has changed: a row
//! the open batch has not changed is the committed one, so a write may take it from
//! the cache and may put it there; a changed row is read from the write's own
//! transaction and kept out of the cache.

use foldhash::HashMap;
use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::batch_changes::{BatchChanges, Changes, SessionRow, TicketRow, UserRow};
use crate::model::{DefaultItems, User, UserId, VendorProfile};

/// Beyond this many users the cache starts again: it is for the users a test works
/// with, not a copy of a million-user store. A load spread over a million users misses
/// on almost every call, and 50,000 entries churned through memory for nothing: with
/// 8,192 that load ran about 20% faster and peaked 19 MB lower (issue 8).
const MAX_USERS: usize = 8_192;

/// The same for sessions: a commit forgets only the tickets it changed, so a load of
/// reads over many tickets beside contact updates would otherwise keep them all.
const MAX_SESSIONS: usize = 8_192;

#[derive(Default)]
pub(super) struct ReadCache {
    generation: AtomicU64,
    entries: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    sessions: HashMap<String, SessionRow>,
    /// The same sessions' tickets by rowid, which is how the update hook names a
    /// changed ticket: a commit forgets those sessions alone.
    session_rows: HashMap<i64, String>,
    /// Shared, so a hit hands out a reference count rather than a copy of the row.
    users: HashMap<UserId, Arc<User>>,
    /// Login names folded as SQLite's NOCASE folds them (ASCII only).
    names: HashMap<String, UserId>,
    /// The vendor profiles in users' rows, for the writes that read them whole.
    profiles: HashMap<UserId, Arc<VendorProfile>>,
    /// Users' default contact items, which every contact write reads.
    defaults: HashMap<UserId, Arc<DefaultItems>>,
}

/// The cache as one transaction sees it.
#[derive(Clone, Copy)]
pub(super) struct CacheView<'a> {
    cache: &'a ReadCache,
    generation: u64,
    /// A write's: the rows its batch has changed, which the view passes over.
    changes: Option<&'a BatchChanges>,
}

impl ReadCache {
    /// Called by the writer right before each commit (or bulk load).
    pub fn commit_begins(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Called by the writer right after each commit (or bulk load), with what its
    /// batch changed: those rows are forgotten before the generation is even again,
    /// or replaced by the rows as the batch's writes said they left them.
    pub fn commit_ended(&self, changes: &BatchChanges) {
        {
            let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            let Changes {
                users,
                tickets,
                written_tickets,
            } = changes.changed();
            match users {
                Some(users) => {
                    for (id, written) in users {
                        entries.forget(id);
                        if let Some(UserRow {
                            user,
                            profile,
                            defaults,
                        }) = written
                        {
                            entries.put(user);
                            if let Some(profile) = profile {
                                entries.profiles.insert(id, profile);
                            }
                            if let Some(defaults) = defaults {
                                entries.defaults.insert(id, defaults);
                            }
                        }
                    }
                }
                None => entries.clear_users(),
            }
            match tickets {
                Some(rows) => {
                    for rowid in rows {
                        entries.forget_session(rowid);
                    }
                }
                None => entries.clear_sessions(),
            }
            for TicketRow { ticket, row } in written_tickets {
                entries.put_session(ticket, row);
            }
        }
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// The view for a read transaction about to begin.
    pub fn view(&self) -> CacheView<'_> {
        CacheView {
            cache: self,
            generation: self.generation.load(Ordering::SeqCst),
            changes: None,
        }
    }

    /// The view for a write in the writer's open batch, whose changes are `changes`.
    pub fn write_view<'a>(&'a self, changes: &'a BatchChanges) -> CacheView<'a> {
        CacheView {
            changes: Some(changes),
            ..self.view()
        }
    }
}

impl CacheView<'_> {
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The entries, when this view is still current and no commit is under way.
    fn current<T>(&self, read: impl FnOnce(&mut Entries) -> Option<T>) -> Option<T> {
        let mut entries = self.cache.entries.lock().unwrap_or_else(|p| p.into_inner());
        let now = self.cache.generation.load(Ordering::SeqCst);
        if now != self.generation || now % 2 == 1 {
            return None;
        }
        read(&mut entries)
    }

    /// Tells a write's batch how it left a user, after its last change to it
    /// (`batch_changes`).
    pub fn wrote_user(&self, row: UserRow) {
        if let Some(changes) = self.changes {
            changes.wrote(row);
        }
    }

    /// Tells a write's batch how it left a ticket, after its last change to it
    /// (`batch_changes`).
    pub fn wrote_ticket(&self, ticket: &str, row: SessionRow) {
        if let Some(changes) = self.changes {
            changes.wrote_ticket(TicketRow {
                ticket: ticket.to_owned(),
                row,
            });
        }
    }

    /// Tells a write's batch whose contact items its next statements write
    /// (`batch_changes`).
    pub fn items_of(&self, user: Option<UserId>) {
        if let Some(changes) = self.changes {
            changes.items_of(user);
        }
    }

    /// Tells a write's batch that rows changed where its hook could not see them
    /// (`batch_changes`).
    pub fn changed_unseen(&self) {
        if let Some(changes) = self.changes {
            changes.everything();
        }
    }

    /// Whether the view's batch has changed the ticket in row `rowid`.
    fn ticket_changed(&self, rowid: i64) -> bool {
        self.changes.is_some_and(|c| c.ticket(rowid))
    }

    /// Whether the view's batch has changed the user.
    fn user_changed(&self, id: UserId) -> bool {
        self.changes.is_some_and(|c| c.user(id))
    }

    pub fn session(&self, ticket: &str) -> Option<SessionRow> {
        self.current(|e| e.sessions.get(ticket).copied())
            .filter(|row| !self.ticket_changed(row.rowid))
    }

    pub fn put_session(&self, ticket: &str, row: SessionRow) {
        if self.ticket_changed(row.rowid) {
            return;
        }
        self.current(|e| {
            e.put_session(ticket.to_owned(), row);
            Some(())
        });
    }

    pub fn user(&self, id: UserId) -> Option<Arc<User>> {
        if self.user_changed(id) {
            return None;
        }
        self.current(|e| e.users.get(&id).cloned())
    }

    pub fn user_named(&self, name: &str) -> Option<Arc<User>> {
        // Folding allocates: a name already in lower case is looked up as it is.
        let folded: Cow<str> = if name.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(name.to_ascii_lowercase())
        } else {
            Cow::Borrowed(name)
        };
        let user = self.current(|e| {
            let id = e.names.get(folded.as_ref())?;
            e.users.get(id).cloned()
        })?;
        // A name the batch gave away or took belongs to a user it changed; a commit
        // that renamed a user forgot both names.
        (!self.user_changed(user.id) && user.user_name.eq_ignore_ascii_case(name)).then_some(user)
    }

    pub fn profile(&self, id: UserId) -> Option<Arc<VendorProfile>> {
        self.per_user(id, |e| &mut e.profiles)
    }

    pub fn put_profile(&self, id: UserId, profile: Arc<VendorProfile>) {
        self.put_per_user(id, profile, |e| &mut e.profiles);
    }

    pub fn defaults(&self, id: UserId) -> Option<Arc<DefaultItems>> {
        self.per_user(id, |e| &mut e.defaults)
    }

    pub fn put_defaults(&self, id: UserId, defaults: Arc<DefaultItems>) {
        self.put_per_user(id, defaults, |e| &mut e.defaults);
    }

    /// The entry of `map` kept for the user, unless the view's batch changed the user.
    fn per_user<T>(
        &self,
        id: UserId,
        map: impl FnOnce(&mut Entries) -> &mut HashMap<UserId, Arc<T>>,
    ) -> Option<Arc<T>> {
        if self.user_changed(id) {
            return None;
        }
        self.current(|e| map(e).get(&id).cloned())
    }

    fn put_per_user<T>(
        &self,
        id: UserId,
        value: Arc<T>,
        map: impl FnOnce(&mut Entries) -> &mut HashMap<UserId, Arc<T>>,
    ) {
        if self.user_changed(id) {
            return;
        }
        self.current(|e| {
            if e.full() {
                e.clear_users();
            }
            map(e).insert(id, value)
        });
    }

    pub fn put_user(&self, user: &Arc<User>) {
        if self.user_changed(user.id) {
            return;
        }
        self.current(|e| {
            e.put(Arc::clone(user));
            Some(())
        });
    }
}

impl Entries {
    fn clear_sessions(&mut self) {
        self.sessions.clear();
        self.session_rows.clear();
    }

    fn put_session(&mut self, ticket: String, row: SessionRow) {
        if self.sessions.len() >= MAX_SESSIONS {
            self.clear_sessions();
        }
        // A rowid names one ticket at a time; one SQLite reuses after a delete is the
        // new ticket's.
        if let Some(old) = self.session_rows.insert(row.rowid, ticket.clone()) {
            if old != ticket {
                self.sessions.remove(&old);
            }
        }
        self.sessions.insert(ticket, row);
    }

    fn forget_session(&mut self, rowid: i64) {
        if let Some(ticket) = self.session_rows.remove(&rowid) {
            self.sessions.remove(&ticket);
        }
    }

    fn clear_users(&mut self) {
        self.users.clear();
        self.names.clear();
        self.profiles.clear();
        self.defaults.clear();
    }

    fn full(&self) -> bool {
        [self.users.len(), self.profiles.len(), self.defaults.len()]
            .iter()
            .any(|&n| n >= MAX_USERS)
    }

    fn put(&mut self, user: Arc<User>) {
        if self.full() {
            self.clear_users();
        }
        self.names
            .insert(user.user_name.to_ascii_lowercase(), user.id);
        self.users.insert(user.id, user);
    }

    fn forget(&mut self, id: UserId) {
        self.profiles.remove(&id);
        self.defaults.remove(&id);
        if let Some(user) = self.users.remove(&id) {
            let name = user.user_name.to_ascii_lowercase();
            if self.names.get(&name) == Some(&id) {
                self.names.remove(&name);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use rusqlite::hooks::Action;

    use super::*;

    fn user(id: UserId, name: &str) -> User {
        User {
            id,
            user_name: name.into(),
            first_name: String::new(),
            last_name: String::new(),
            email: String::new(),
            mobile: String::new(),
            enabled: true,
            read_only: false,
            sysadmin: false,
            domain: None,
            auth_source: "native".into(),
            password_hash: None,
            last_logon: None,
            last_password_change: None,
            preferences: crate::model::Preferences::default(),
        }
    }

    fn session(user_id: UserId, rowid: i64) -> SessionRow {
        SessionRow {
            user_id,
            expires_at: Utc::now(),
            rowid,
        }
    }

    /// A commit forgets what its batch changed and keeps the rest; nothing is served or
    /// put while it is under way, nor through a view from before it.
    #[test]
    fn a_commit_forgets_what_it_changed() {
        let cache = ReadCache::default();
        let before = cache.view();
        before.put_user(&Arc::new(user(1, "JDoe")));
        before.put_user(&Arc::new(user(2, "asmith")));
        before.put_session("t", session(2, 7));
        before.put_session("u", session(1, 8));
        assert_eq!(before.user_named("jdoe").map(|u| u.id), Some(1));
        assert_eq!(cache.view().user(1).map(|u| u.id), Some(1));
        let changes = BatchChanges::default();
        changes.note(Action::SQLITE_UPDATE, "users", 1);
        cache.commit_begins();
        let during = cache.view();
        assert!(during.user(2).is_none(), "a view during a commit misses");
        during.put_user(&Arc::new(user(3, "bjones")));
        cache.commit_ended(&changes);
        let after = cache.view();
        assert!(after.user(1).is_none() && after.user_named("jdoe").is_none());
        assert_eq!(
            after.user_named("ASmith").map(|u| u.id),
            Some(2),
            "unchanged"
        );
        assert!(after.session("t").is_some(), "no ticket changed");
        assert!(after.user(3).is_none(), "nothing was put during the commit");
        assert!(before.user(2).is_none(), "an old view misses");
        before.put_user(&Arc::new(user(4, "cdoe")));
        assert!(after.user(4).is_none(), "an old view cannot fill it");
        changes.note(Action::SQLITE_DELETE, "tickets", 7);
        cache.commit_begins();
        cache.commit_ended(&changes);
        assert!(
            cache.view().session("t").is_none(),
            "a changed ticket forgets its session"
        );
        assert_eq!(cache.view().session("u").map(|s| s.user_id), Some(1));
        cache.view().put_session("v", session(3, 8));
        assert!(cache.view().session("u").is_none(), "its rowid is v's now");
        changes.everything();
        cache.commit_begins();
        cache.commit_ended(&changes);
        assert!(
            cache.view().user(2).is_none(),
            "a bulk load forgets every user"
        );
    }

    /// A write's view passes over what its batch changed, and does not put it either;
    /// rows changed out of the hook's sight count as every row.
    #[test]
    fn a_write_view_passes_over_its_batch_changes() {
        let cache = ReadCache::default();
        let read = cache.view();
        read.put_user(&Arc::new(user(1, "jdoe")));
        read.put_session("t", session(1, 7));
        read.put_session("u", session(1, 8));
        let changes = BatchChanges::default();
        let write = cache.write_view(&changes);
        assert!(write.user_named("JDOE").is_some() && write.session("t").is_some());
        changes.note(Action::SQLITE_UPDATE, "tickets", 8);
        assert!(write.session("u").is_none(), "a ticket the batch changed");
        assert!(write.session("t").is_some(), "one it did not");
        changes.everything();
        assert!(write.user(1).is_none() && write.user_named("jdoe").is_none());
        assert!(write.session("t").is_none());
        write.put_user(&Arc::new(user(2, "asmith")));
        assert!(read.user(2).is_none(), "a changed row is not put");
        assert!(read.user(1).is_some(), "reads still see the committed row");
    }
}
