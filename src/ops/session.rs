//! Who is calling: ticket resolution, the sliding expiry and the ticket life cycle
//! (docs/compatibility.md A7, A14, A15).

use std::sync::Arc;

use super::ctx::Ctx;
use super::effects::Slide;
use super::error::OpError;
use super::secrets::{new_guid, parse_guid};
use crate::model::{Session, User};

/// An authenticated caller.
pub struct Caller {
    pub user: Arc<User>,
    pub session: Session,
}

impl Caller {
    pub fn may_manage(&self, target: &User) -> bool {
        self.user.sysadmin || self.user.id == target.id
    }
}

impl Ctx<'_> {
    /// The ticket a method was given: the parameter, or else the `ticket` cookie.
    pub fn ticket_or_cookie<'a>(&'a self, param: Option<&'a str>) -> Option<&'a str> {
        param
            .filter(|t| !t.is_empty())
            .or(self.request.cookie_ticket.as_deref())
            .filter(|t| !t.is_empty())
    }

    /// The live session and enabled user behind a ticket, without touching it.
    pub fn session(&self, ticket: &str) -> Result<Option<Caller>, OpError> {
        let Some(ticket) = parse_guid(ticket) else {
            return Ok(None);
        };
        let Some(session) = self.tx.live_session(&ticket, self.now)? else {
            return Ok(None);
        };
        Ok(self
            .tx
            .user_by_id(session.user_id)?
            .filter(|u| u.enabled)
            .map(|user| Caller { user, session }))
    }

    /// The caller of an ordinary ticketed method; a successful call slides the
    /// ticket's expiry (the transaction rolls it back if the call then fails).
    pub fn caller(&self, ticket_param: Option<&str>) -> Result<Caller, OpError> {
        let Some(ticket) = self.ticket_or_cookie(ticket_param) else {
            return Err(if self.settings.anonymous_access {
                OpError::AnonymousNotAllowed
            } else {
                OpError::AuthenticationFailed
            });
        };
        let mut caller = self.session(ticket)?.ok_or(OpError::SessionExpired)?;
        caller.session.expires_at = self.now + self.settings.ticket_lifetime;
        let mut effects = self.effects.borrow_mut();
        effects.slide = Some(Slide {
            ticket: caller.session.ticket.clone(),
            stored: caller.session.stored_expires_at,
            to: caller.session.expires_at,
        });
        effects.user = Some(caller.user.user_name.clone());
        Ok(caller)
    }

    /// Names the user a call acted as, for the request journal.
    pub fn act_as(&self, user: &User) {
        self.effects.borrow_mut().user = Some(user.user_name.clone());
    }

    /// The caller of a method only system administrators may call; `refused` is the
    /// method's wording for anyone else.
    pub fn sysadmin_caller(
        &self,
        ticket_param: Option<&str>,
        refused: OpError,
    ) -> Result<Caller, OpError> {
        let caller = self.caller(ticket_param)?;
        if !caller.user.sysadmin {
            return Err(refused);
        }
        Ok(caller)
    }

    /// Starts a new session for `user`.
    pub fn issue_ticket(&self, user: &User, language: &str) -> Result<Session, OpError> {
        self.tx.purge_expired_tickets(self.now)?;
        let expires_at = self.now + self.settings.ticket_lifetime;
        let session = Session {
            ticket: new_guid(),
            user_id: user.id,
            expires_at,
            stored_expires_at: expires_at,
        };
        self.tx.insert_ticket(
            &session.ticket,
            user.id,
            self.now,
            session.expires_at,
            language,
        )?;
        Ok(session)
    }

    /// Looks up the user a `UserName` parameter names: a login name
    /// (case-insensitive) or `ID:<userid>` (docs/compatibility.md A18, A19).
    pub fn find_user(&self, name: &str) -> Result<Option<Arc<User>>, OpError> {
        let by_id = name
            .get(..3)
            .filter(|p| p.eq_ignore_ascii_case("ID:"))
            .and_then(|_| name[3..].trim().parse::<i64>().ok());
        Ok(match by_id {
            Some(id) => self.tx.user_by_id(id)?,
            None => self.tx.user_by_name(name)?,
        })
    }

    /// Like [`Ctx::find_user`], with `User not found` for no match.
    pub fn user(&self, name: Option<&str>) -> Result<Arc<User>, OpError> {
        match name {
            Some(name) if !name.is_empty() => self.find_user(name)?.ok_or(OpError::UserNotFound),
            _ => Err(OpError::UserNotFound),
        }
    }

    pub fn is_sysadmin_account(&self, user: &User) -> bool {
        user.user_name
            .eq_ignore_ascii_case(&self.settings.sysadmin_account)
    }
}
