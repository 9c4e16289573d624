//! What the writer's open batch has changed, as far as the read cache cares: which
//! users, and which tickets (by rowid: the cache knows each session's row). A write
//! may take a cached row that its batch has not changed, because such a row is still
//! the committed one the cache holds
//! (`read_cache`); a changed one it reads from its own transaction. SQLite reports
//! every row change on the writer connection here (its update hook), and the writer
//! starts the record again with each batch.
//!
//! What the hook does not see, and how each is covered:
//! - rows deleted by SQLite's truncate optimization (a `DELETE` without `WHERE`): whoever
//!   runs one says so with [`BatchChanges::everything`] (`reset.rs`);
//! - rows a bulk load writes through `Writer::exclusive` (`writer.rs`), and a batch
//!   that failed: the writer counts everything as changed;
//! - a conflicting row deleted by `INSERT OR REPLACE`, and the old id of a row whose
//!   id an `UPDATE` changes: no statement on these tables does either, and one that
//!   did would have to say so as `reset.rs` does;
//! - another process writing the file: refused at start (`lock.rs`).
//!
//! A user's contact items count as part of the user, because the cache keeps each
//! user's default items beside the row. The hook reports an item by its rowid alone,
//! so each statement that writes items says whose they are ([`BatchChanges::items_of`]):
//! all of them change one user's items, a deleted user's cascade included. An item
//! change nobody said, or a change to the catalogue that types the items, counts as
//! every user changed.
//!
//! A write may also say how it left a user's row and items ([`BatchChanges::wrote`]),
//! so that the commit puts them in the cache rather than forgetting them, and the next
//! write of that user finds them there (BENCHMARKS.md, "Writes: the written user
//! kept…"). The word holds only while nothing changes the user after it: any later
//! change the hook sees takes it back, a write rolled back to its savepoint takes back
//! what it said, and a batch that failed, or changed rows unseen, keeps no word at all.

use std::sync::{Arc, Mutex, MutexGuard};

use foldhash::{HashMap, HashSet};
use rusqlite::hooks::Action;
use rusqlite::Connection;

use chrono::{DateTime, Utc};

use crate::model::{DefaultItems, User, UserId, VendorProfile};

/// Beyond this many changed tickets a batch counts every ticket changed: a purge of
/// expired tickets may delete any number.
const MAX_TICKET_ROWS: usize = 1_024;

#[derive(Default)]
pub(super) struct BatchChanges {
    changed: Mutex<Changed>,
}

#[derive(Default)]
struct Changed {
    users: HashSet<UserId>,
    every_user: bool,
    /// The rowids of the tickets changed.
    tickets: HashSet<i64>,
    every_ticket: bool,
    /// Changed tickets as the batch's kept writes left them, by rowid.
    written_tickets: HashMap<i64, TicketRow>,
    /// The same from the write under way.
    pending_tickets: HashMap<i64, TicketRow>,
    /// Changed users as the batch's kept writes left them.
    written: HashMap<UserId, UserRow>,
    /// The same from the write under way, kept with its savepoint.
    pending: HashMap<UserId, UserRow>,
    /// Whose contact items the statement under way writes, when it said so.
    items_of: Option<UserId>,
}

/// A user as a write left it: the row, the vendor profile it holds, and the user's
/// default contact items, each when the write knows it (`None`: forgotten).
#[derive(Clone)]
pub(super) struct UserRow {
    pub user: Arc<User>,
    pub profile: Option<Arc<VendorProfile>>,
    pub defaults: Option<Arc<DefaultItems>>,
}

/// A changed user, with the row as the batch left it when a write said so.
pub(super) type ChangedUser = (UserId, Option<UserRow>);

/// A ticket's row as far as a session needs it.
#[derive(Clone, Copy)]
pub(super) struct SessionRow {
    pub user_id: UserId,
    pub expires_at: DateTime<Utc>,
    pub rowid: i64,
}

/// A ticket as a write left it.
#[derive(Clone)]
pub(super) struct TicketRow {
    pub ticket: String,
    pub row: SessionRow,
}

/// What a batch changed, for the commit to forget, or to keep as the writes said.
pub(super) struct Changes {
    /// `None`: any user may have changed.
    pub users: Option<Vec<ChangedUser>>,
    /// The rowids of the tickets changed; `None`: any may have.
    pub tickets: Option<Vec<i64>>,
    /// Tickets as writes said they left them, each after its last change.
    pub written_tickets: Vec<TicketRow>,
}

impl BatchChanges {
    /// Has SQLite report each row `conn` changes.
    pub fn watch(self: &Arc<Self>, conn: &Connection) {
        let changes = Arc::clone(self);
        conn.update_hook(Some(
            move |action: Action, _: &str, table: &str, rowid: i64| {
                changes.note(action, table, rowid);
            },
        ));
    }

    fn lock(&self) -> MutexGuard<'_, Changed> {
        self.changed.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The tables a cached user or session is read from (`SELECT_USER`, the tickets,
    /// the default items and their catalogue). Rows of other tables cost no lock; a
    /// bulk load's users and items take it once each, and add nothing once every user
    /// counts as changed.
    pub(super) fn note(&self, action: Action, table: &str, rowid: i64) {
        match table {
            // A user's preferences row has the user's id as its rowid.
            "users" | "preferences" => self.lock().user(rowid),
            "contact_items" => {
                let mut changed = self.lock();
                match changed.items_of {
                    Some(id) => changed.user(id),
                    None => changed.every_user(),
                }
            }
            // A user row shows its domain's name; a new domain is no user's yet.
            "domains" if action != Action::SQLITE_INSERT => self.lock().every_user(),
            "contact_item_types" => self.lock().every_user(),
            "tickets" => {
                let mut changed = self.lock();
                if changed.tickets.len() < MAX_TICKET_ROWS {
                    changed.tickets.insert(rowid);
                } else {
                    changed.every_ticket = true;
                }
                changed.written_tickets.remove(&rowid);
                changed.pending_tickets.remove(&rowid);
            }
            _ => {}
        }
    }

    /// The statements run until the next call write `user`'s contact items and no
    /// one else's (`None`: the statements that said so are done).
    pub fn items_of(&self, user: Option<UserId>) {
        self.lock().items_of = user;
    }

    /// A new batch begins: nothing in it has changed yet.
    pub fn clear(&self) {
        *self.lock() = Changed::default();
    }

    /// Every user and ticket may have changed, unseen by the hook.
    pub fn everything(&self) {
        let mut changed = self.lock();
        changed.every_user();
        changed.every_ticket = true;
        changed.written_tickets.clear();
        changed.pending_tickets.clear();
    }

    /// The write under way left the user's row as `row`, after its last change to it.
    pub fn wrote(&self, row: UserRow) {
        let mut changed = self.lock();
        if changed.users.contains(&row.user.id) {
            changed.pending.insert(row.user.id, row);
        }
    }

    /// The write under way left a ticket's row as `row`, after its last change to it.
    pub fn wrote_ticket(&self, row: TicketRow) {
        let mut changed = self.lock();
        if changed.tickets.contains(&row.row.rowid) {
            changed.pending_tickets.insert(row.row.rowid, row);
        }
    }

    /// The write under way ended: `kept`, its savepoint was released with what it
    /// said of the rows it wrote; otherwise rolled back, and its word with it.
    pub fn write_ended(&self, kept: bool) {
        let mut changed = self.lock();
        // A statement that panicked while it said whose items it wrote did not unsay it.
        changed.items_of = None;
        let pending = std::mem::take(&mut changed.pending);
        let pending_tickets = std::mem::take(&mut changed.pending_tickets);
        if kept {
            changed.written.extend(pending);
            changed.written_tickets.extend(pending_tickets);
        }
    }

    /// What the batch changed.
    pub fn changed(&self) -> Changes {
        let changed = self.lock();
        let users = (!changed.every_user).then(|| {
            changed
                .users
                .iter()
                .map(|id| (*id, changed.written.get(id).cloned()))
                .collect()
        });
        Changes {
            users,
            tickets: (!changed.every_ticket).then(|| changed.tickets.iter().copied().collect()),
            written_tickets: changed.written_tickets.values().cloned().collect(),
        }
    }

    pub fn user(&self, id: UserId) -> bool {
        let changed = self.lock();
        changed.every_user || changed.users.contains(&id)
    }

    /// Whether the ticket in row `rowid` has changed.
    pub fn ticket(&self, rowid: i64) -> bool {
        let changed = self.lock();
        changed.every_ticket || changed.tickets.contains(&rowid)
    }
}

impl Changed {
    fn user(&mut self, id: UserId) {
        // Once every user counts as changed, a bulk load adds nothing here.
        if !self.every_user {
            self.users.insert(id);
        }
        self.written.remove(&id);
        self.pending.remove(&id);
    }

    fn every_user(&mut self) {
        self.every_user = true;
        self.written.clear();
        self.pending.clear();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::{Duration, Utc};
    use rusqlite::hooks::Action;

    use super::{BatchChanges, MAX_TICKET_ROWS};

    use crate::model::{ContactItem, ContactPatch, ContactType, Preferences, ProfilePatch, User};
    use crate::store::{NewUser, Store, StoreError};

    /// A commit keeps the row a write said it left, user and profile; a later change
    /// to the row in the batch, or the write's rollback, takes the word back.
    #[test]
    fn a_commit_keeps_the_rows_writes_said_they_left() {
        let (_dir, store) = Store::seeded_for_test();
        let now = Utc::now();
        let by_name = |name: &str| store.user_for_test(name);
        let (jdoe, admin) = (by_name("jdoe"), by_name("admin"));
        // Saves `email` as the user's, and says so; returns what it said.
        let save = |tx: &crate::store::Tx, user: &User, email: &str| {
            let mut profile = tx.vendor_profile(user.id, now)?;
            let contact = ContactPatch {
                email: Some(email.into()),
                mobile: None,
            };
            tx.save_vendor_profile(user.id, &contact, &mut profile)?;
            let user = Arc::new(User {
                email: email.into(),
                ..user.clone()
            });
            let defaults = tx.default_contact_items(user.id)?;
            tx.wrote_user(Arc::clone(&user), Arc::new(profile), defaults);
            Ok::<_, StoreError>(user)
        };
        let said = store
            .write(|tx| save(tx, &jdoe, "kept@example.com"))
            .unwrap();
        assert!(Arc::ptr_eq(&by_name("jdoe"), &said), "kept as said");
        assert!(store.cache_for_test().defaults(jdoe.id).is_some());
        let profile = store.write(|tx| tx.vendor_profile(jdoe.id, now)).unwrap();
        assert_eq!(
            profile,
            store.read(|tx| tx.vendor_profile(jdoe.id, now)).unwrap()
        );
        let taken_back = store
            .write(|tx| {
                let said = save(tx, &admin, "later@example.com")?;
                tx.update_preferences(admin.id, &Default::default())?;
                Ok::<_, StoreError>(said)
            })
            .unwrap();
        let admin_now = by_name("admin");
        assert!(
            !Arc::ptr_eq(&admin_now, &taken_back),
            "changed after the word"
        );
        assert_eq!(admin_now.email, "later@example.com");
        let rolled_back = store.write(|tx| -> Result<(), StoreError> {
            save(tx, &said, "rolled-back@example.com")?;
            Err(StoreError::Conflict)
        });
        assert!(rolled_back.is_err());
        let jdoe_now = by_name("jdoe");
        assert_eq!(
            jdoe_now.email, "kept@example.com",
            "the write's word went with it"
        );
    }

    /// A batch names the tickets it changed up to a bound, then counts every ticket
    /// changed.
    #[test]
    fn many_changed_tickets_count_as_every_ticket() {
        let changes = BatchChanges::default();
        let rows = i64::try_from(MAX_TICKET_ROWS).unwrap();
        for rowid in 1..=rows {
            changes.note(Action::SQLITE_DELETE, "tickets", rowid);
        }
        assert!(changes.ticket(rows) && !changes.ticket(rows + 1));
        assert!(changes
            .changed()
            .tickets
            .is_some_and(|r| r.len() == MAX_TICKET_ROWS));
        changes.note(Action::SQLITE_DELETE, "tickets", rows + 2);
        assert!(changes.ticket(rows + 1), "every ticket");
        assert!(changes.changed().tickets.is_none());
    }

    /// A new ticket is cached as its write left it, unless the batch changed it after
    /// that or the write was rolled back; other sessions stay cached.
    #[test]
    fn a_commit_keeps_the_tickets_writes_made() {
        let (_dir, store) = Store::seeded_for_test();
        let jdoe = store.user_for_test("jdoe").id;
        let now = Utc::now();
        let expires = now + Duration::days(1);
        let insert =
            |tx: &crate::store::Tx, ticket: &str| tx.insert_ticket(ticket, jdoe, now, expires, "");
        store.write(|tx| insert(tx, "kept")).unwrap();
        let cached = store
            .cache_for_test()
            .session("kept")
            .expect("kept as said");
        let stored = store.snapshot().unwrap();
        let stored = stored.read(|tx| tx.live_session("kept", now)).unwrap();
        let stored = stored.expect("stored");
        assert_eq!(
            (cached.user_id, cached.expires_at),
            (stored.user_id, stored.stored_expires_at)
        );
        store
            .write(|tx| -> Result<(), StoreError> {
                insert(tx, "extended")?;
                tx.extend_ticket("extended", expires + Duration::days(1), None)
            })
            .unwrap();
        assert!(
            store.cache_for_test().session("extended").is_none(),
            "changed after"
        );
        let rolled_back = store.write(|tx| -> Result<(), StoreError> {
            insert(tx, "rolled back")?;
            Err(StoreError::Conflict)
        });
        assert!(rolled_back.is_err());
        assert!(store.cache_for_test().session("rolled back").is_none());
        assert!(
            store.cache_for_test().session("kept").is_some(),
            "untouched"
        );
    }

    /// A login says the row it left: the commit keeps the user as SQLite holds it, and
    /// the profile and default items the login did not change stay cached, unless the
    /// batch had changed the user before it.
    #[test]
    fn a_login_keeps_the_user_and_what_it_left_alone() {
        let (_dir, store) = Store::seeded_for_test();
        let (jdoe, admin) = (store.user_for_test("jdoe"), store.user_for_test("admin"));
        let at = Utc::now();
        let cached = |id| {
            let user = store.cache_for_test().user(id).expect("the user is cached");
            assert_eq!(*user, store.stored_user_for_test(id));
            assert_eq!(user.last_logon.map(|t| t.timestamp()), Some(at.timestamp()));
            store.cache_for_test().defaults(id).is_some()
        };
        for user in [&jdoe, &admin] {
            store.write(|tx| tx.default_contact_items(user.id)).unwrap();
        }
        store.write(|tx| tx.set_last_logon(&jdoe, at)).unwrap();
        assert!(cached(jdoe.id), "the items stay");
        store
            .write(|tx| -> Result<(), StoreError> {
                tx.update_preferences(admin.id, &Default::default())?;
                let admin = tx.user_by_id(admin.id)?.unwrap();
                tx.set_last_logon(&admin, at)
            })
            .unwrap();
        assert!(!cached(admin.id), "changed in the batch before the login");
    }

    /// A user's cached default items go with any change to the user's items: one a
    /// statement said was the user's, a deleted user's cascade (that user's alone), and
    /// one nobody said, which counts as every user's.
    #[test]
    fn an_item_change_forgets_the_users_defaults() {
        let (_dir, store) = Store::seeded_for_test();
        let (jdoe, admin) = (store.user_for_test("jdoe"), store.user_for_test("admin"));
        let cache_defaults = |id| {
            store.write(|tx| tx.default_contact_items(id)).unwrap();
            assert!(
                store.cache_for_test().defaults(id).is_some(),
                "a write puts them"
            );
        };
        let item = |id: &str| ContactItem {
            id: id.into(),
            sub_type: "9e6f2d7a-1c1b-4f3e-8a01-000000000002".into(),
            value: format!("{id}@example.com"),
            is_default: true,
        };
        let newcomer = store
            .write(|tx| {
                let id = tx.insert_user(&NewUser::bare("newcomer", &Preferences::default()))?;
                tx.save_contact_item(id, &item("n1"), ContactType::Email)?;
                Ok::<_, StoreError>(id)
            })
            .unwrap();
        cache_defaults(jdoe.id);
        cache_defaults(admin.id);
        store
            .write(|tx| tx.save_contact_item(jdoe.id, &item("j1"), ContactType::Email))
            .unwrap();
        assert!(store.cache_for_test().defaults(jdoe.id).is_none(), "said");
        assert!(store.cache_for_test().defaults(admin.id).is_some());
        cache_defaults(jdoe.id);
        store.write(|tx| tx.delete_user(newcomer)).unwrap();
        assert!(
            store.cache_for_test().defaults(jdoe.id).is_some(),
            "a cascade is the deleted user's"
        );
        store
            .write(|tx| -> Result<(), StoreError> {
                let sql = "UPDATE contact_items SET value = 'x@example.com' WHERE id = 'j1'";
                tx.conn.execute(sql, [])?;
                Ok(())
            })
            .unwrap();
        for id in [jdoe.id, admin.id] {
            assert!(store.cache_for_test().defaults(id).is_none(), "unsaid");
        }
    }

    /// A write takes rows its batch has not changed from the cache, and reads the ones
    /// it has changed (a user, a renamed user's names, a ticket) from its transaction.
    #[test]
    fn a_write_reads_its_own_changes_past_the_cache() {
        let (_dir, store) = Store::seeded_for_test();
        let now = Utc::now();
        let expires = now + Duration::days(1);
        store
            .write(|tx| tx.insert_ticket("t-1", 3, now, expires, ""))
            .unwrap();
        let (jdoe, admin) = store
            .read(|tx| -> Result<_, StoreError> {
                tx.live_session("t-1", now)?.unwrap();
                Ok((
                    tx.user_by_name("jdoe")?.unwrap(),
                    tx.user_by_name("admin")?.unwrap(),
                ))
            })
            .unwrap();
        store
            .write(|tx| -> Result<(), StoreError> {
                let cached = tx.user_by_name("JDoe")?.unwrap();
                assert!(
                    Arc::ptr_eq(&cached, &jdoe),
                    "an unchanged user comes from the cache"
                );
                let contact = ContactPatch {
                    email: Some("new@example.com".into()),
                    mobile: None,
                };
                let mut profile = tx.vendor_profile(jdoe.id, now)?;
                tx.save_vendor_profile(jdoe.id, &contact, &mut profile)?;
                assert_eq!(tx.user_by_name("jdoe")?.unwrap().email, "new@example.com");
                assert_eq!(tx.user_by_id(jdoe.id)?.unwrap().email, "new@example.com");
                let other = tx.user_by_id(admin.id)?.unwrap();
                assert!(
                    Arc::ptr_eq(&other, &admin),
                    "another user still comes from it"
                );
                let renamed = ProfilePatch {
                    user_name: Some("jdoe2".into()),
                    ..ProfilePatch::default()
                };
                tx.update_profile(jdoe.id, &renamed)?;
                assert!(tx.user_by_name("jdoe")?.is_none(), "the old name is free");
                assert_eq!(tx.user_by_name("jdoe2")?.unwrap().id, jdoe.id);
                assert!(tx.live_session("t-1", now)?.is_some());
                tx.delete_ticket("t-1")?;
                assert!(tx.live_session("t-1", now)?.is_none(), "a deleted ticket");
                Ok(())
            })
            .unwrap();
        let after = store.read(|tx| tx.user_by_id(jdoe.id)).unwrap().unwrap();
        assert_eq!(
            (after.user_name.as_str(), after.email.as_str()),
            ("jdoe2", "new@example.com")
        );
    }

    /// The hook sees what the cache depends on, the cascade from a deleted user to
    /// its tickets included, and each batch starts a new record; rows of other tables
    /// and a new domain leave it alone.
    #[test]
    fn the_hook_records_users_preferences_domains_and_cascaded_tickets() {
        let (_dir, store) = Store::seeded_for_test();
        let changes = &store.writer.changes;
        let id_of = |name: &str| store.read(|tx| tx.user_by_name(name)).unwrap().unwrap().id;
        let (jdoe, admin) = (id_of("jdoe"), id_of("admin"));
        let now = Utc::now();
        let t1 = store
            .write(|tx| -> Result<i64, StoreError> {
                let next: i64 = tx.conn.query_row(
                    "SELECT COALESCE(MAX(rowid), 0) + 1 FROM tickets",
                    [],
                    |r| r.get(0),
                )?;
                tx.clear_mails()?;
                tx.conn
                    .execute("INSERT INTO domains (name) VALUES ('new')", [])?;
                assert!(!changes.user(jdoe) && !changes.ticket(next));
                tx.update_preferences(jdoe, &Default::default())?;
                assert!(changes.user(jdoe) && !changes.user(admin));
                tx.insert_ticket("t-1", jdoe, now, now + Duration::days(1), "")?;
                let t1 = tx.conn.last_insert_rowid();
                assert_eq!(t1, next);
                assert!(changes.ticket(t1) && !changes.ticket(t1 - 1), "that ticket");
                Ok(t1)
            })
            .unwrap();
        store
            .write(|tx| -> Result<(), StoreError> {
                assert!(!changes.user(jdoe) && !changes.ticket(t1), "a new batch");
                tx.delete_user(jdoe)?;
                assert!(changes.user(jdoe), "the user row");
                assert!(changes.ticket(t1), "the ticket, deleted by the cascade");
                Ok(())
            })
            .unwrap();
        store
            .write(|tx| -> Result<(), StoreError> {
                let id = tx.insert_user(&NewUser::bare("newcomer", &Preferences::default()))?;
                assert!(changes.user(id) && !changes.user(admin));
                tx.conn
                    .execute("UPDATE domains SET name = 'renamed' WHERE name = 'new'", [])?;
                assert!(changes.user(admin), "a renamed domain: every user");
                Ok(())
            })
            .unwrap();
    }
}
