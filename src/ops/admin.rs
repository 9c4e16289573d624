//! Administering accounts: CreateUser, DeleteUser, DeleteUser1, UpdateUserProfile,
//! ChangeUserStatus and ChangeUserType. System administrators only (docs/compatibility.md B2.15–B2.22);
//! anyone else gets `Access denied` before any user is looked up.

use std::sync::Arc;

use super::args::Args;
use super::ctx::Ctx;
use super::error::OpError;
use super::reply::Reply;
use super::session::Caller;
use crate::model::{Preferences, ProfilePatch, User, NATIVE_AUTHORITY};
use crate::store::NewUser;

/// The stored name of an authentication source: `native` for the built-in authority
/// (also spelled as legacy `INFOROUTER`, or left empty), any other name as given,
/// matched case-insensitively (docs/compatibility.md A10).
fn authority(source: &str) -> String {
    let source = source.trim();
    let native = source.is_empty()
        || source.eq_ignore_ascii_case(NATIVE_AUTHORITY)
        || source.eq_ignore_ascii_case("INFOROUTER");
    if native {
        NATIVE_AUTHORITY.to_string()
    } else {
        source.to_string()
    }
}

/// A login name as stored: trimmed, never empty.
fn login_name(name: &str) -> Result<String, OpError> {
    match name.trim() {
        "" => Err(OpError::UserNameRequired),
        name => Ok(name.to_string()),
    }
}

/// The system administrator calling and the user its `UserName` names.
fn administered(ctx: &Ctx, args: &Args) -> Result<(Caller, Arc<User>), OpError> {
    let caller = ctx.sysadmin_caller(args.str("AuthenticationTicket"), OpError::AccessDenied)?;
    let target = ctx.user(args.str("UserName"))?;
    Ok((caller, target))
}

/// Deleting or disabling one's own account, or the built-in administrator account,
/// would lock administration out of the server: both are refused.
fn check_removable(ctx: &Ctx, caller: &Caller, target: &User) -> Result<(), OpError> {
    if caller.user.id == target.id || ctx.is_sysadmin_account(target) {
        return Err(OpError::AccessDenied);
    }
    Ok(())
}

/// A new user with default preferences. `DomainName` must name an existing domain,
/// which becomes the default domain and a membership; without one the user is global.
/// A native user created without a password can first sign in after following the
/// link of SendWelcomeEmailForUser; an external user never has a local password.
pub fn create_user(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    ctx.sysadmin_caller(args.str("AuthenticationTicket"), OpError::AccessDenied)?;
    let user_name = login_name(args.str("UserName").unwrap_or(""))?;
    let domain = match args
        .str("DomainName")
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        Some(name) => Some(
            ctx.tx
                .domain_by_name(name)?
                .ok_or(OpError::DomainNotFound)?,
        ),
        None => None,
    };
    let auth_source = authority(args.str("AuthenticationSource").unwrap_or(""));
    let password_hash = args
        .str("Password")
        .filter(|p| !p.is_empty() && auth_source == NATIVE_AUTHORITY)
        .map(|p| ctx.hash_password(p));
    let id = ctx.tx.insert_user(&NewUser {
        id: None,
        user_name: &user_name,
        first_name: args.str("FirstName").unwrap_or(""),
        last_name: args.str("LastName").unwrap_or(""),
        email: args.str("EmailAddress").unwrap_or(""),
        mobile: "",
        enabled: true,
        read_only: args.bool("ReadOnlyUser"),
        sysadmin: false,
        domain: domain.as_ref().map(|d| d.name.as_str()),
        auth_source: &auth_source,
        password_hash: password_hash.as_deref(),
        preferences: &Preferences::default(),
    })?;
    Ok(Reply::ok().attr_before_error("id", id.to_string()))
}

fn delete(ctx: &Ctx, caller: &Caller, target: &User) -> Result<Reply, OpError> {
    check_removable(ctx, caller, target)?;
    ctx.tx.delete_user(target.id)?;
    Ok(Reply::ok())
}

/// `UserName` is a login name or `ID:<userid>`. The password re-prompt of `[2767]`
/// is off, as on a default installation, so DeleteUser always works.
pub fn delete_user(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    let (caller, target) = administered(ctx, args)?;
    delete(ctx, &caller, &target)
}

/// DeleteUser with the caller's own password checked first: a wrong one is `[900]`.
pub fn delete_user1(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    let caller = ctx.caller(args.str("AuthenticationTicket"))?;
    let hash = Some(&caller.user)
        .filter(|u| u.is_native())
        .and_then(|u| u.password_hash.as_deref());
    if !ctx.verify_password(args.str("UserPassword").unwrap_or(""), hash) {
        return Err(OpError::AuthenticationFailed);
    }
    if !caller.user.sysadmin {
        return Err(OpError::AccessDenied);
    }
    let target = ctx.user(args.str("UserName"))?;
    delete(ctx, &caller, &target)
}

/// Null (SOAP) keeps a field, `""` clears a name (docs/compatibility.md A4); a login name cannot be
/// empty, and an empty authentication source means `native`. The built-in
/// administrator account keeps its name: it is how the server recognises it.
pub fn update_user_profile(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    let (_, target) = administered(ctx, args)?;
    let user_name = args.str("NewUserName").map(login_name).transpose()?;
    let renamed = user_name
        .as_deref()
        .is_some_and(|n| !n.eq_ignore_ascii_case(&target.user_name));
    if renamed && ctx.is_sysadmin_account(&target) {
        return Err(OpError::AccessDenied);
    }
    let patch = ProfilePatch {
        user_name,
        first_name: args.str("NewFirstName").map(str::to_string),
        last_name: args.str("NewLastName").map(str::to_string),
        auth_source: args.str("AuthenticateSource").map(authority),
    };
    ctx.tx.update_profile(target.id, &patch)?;
    Ok(Reply::ok())
}

/// `StatusCode` 0 disables, 1 enables. A disabled user cannot log in and its tickets
/// end at once.
pub fn change_user_status(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    let (caller, target) = administered(ctx, args)?;
    let enabled = match args.int("StatusCode") {
        0 => false,
        1 => true,
        code => return Err(OpError::InvalidStatusCode(code)),
    };
    if !enabled {
        check_removable(ctx, &caller, &target)?;
    }
    ctx.tx.set_enabled(target.id, enabled)?;
    Ok(Reply::ok())
}

/// `UserType` 1 is an author, 2 a read-only user (`ReadOnlyUser` on `<User>`).
pub fn change_user_type(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    let (_, target) = administered(ctx, args)?;
    let read_only = match args.int("UserType") {
        1 => false,
        2 => true,
        code => return Err(OpError::InvalidUserType(code)),
    };
    ctx.tx.set_read_only(target.id, read_only)?;
    Ok(Reply::ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorities_are_normalised() {
        for native in ["", " native ", "NATIVE", "INFOROUTER", "InfoRouter"] {
            assert_eq!(authority(native), "native", "{native:?}");
        }
        assert_eq!(authority(" CORPLDAP "), "CORPLDAP");
    }
}
