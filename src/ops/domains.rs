//! The domain-based listings: GetLocalUsers, GetCoWorkers and GetCoWorkers1
//! (docs/compatibility.md B2.14).

use super::args::Args;
use super::ctx::Ctx;
use super::error::OpError;
use super::listing::{every_user, sort_key};
use super::reply::Reply;
use super::user_view::{identity_node, user_node};
use crate::store::{Scope, SortKey};

/// The users whose default domain is `DomainName`, by first name then last name, for
/// system administrators and that domain's managers.
pub fn get_local_users(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    let caller = ctx.caller(args.str("AuthenticationTicket"))?;
    let name = args.str("DomainName").unwrap_or("").trim();
    let domain = ctx
        .tx
        .domain_by_name(name)?
        .ok_or(OpError::DomainNotFound)?;
    if !caller.user.sysadmin && !ctx.tx.is_domain_manager(domain.id, caller.user.id)? {
        return Err(OpError::AccessDenied);
    }
    Ok(every_user(
        Scope::LocalTo(domain.id),
        SortKey::FirstLast,
        true,
        user_node,
    ))
}

/// Everyone else who is a member of a domain the caller is a member of, by first name
/// then last name.
pub fn get_co_workers(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    let caller = ctx.caller(args.str("AuthenticationTicket"))?;
    Ok(every_user(
        Scope::CoWorkersOf(caller.user.id),
        SortKey::FirstLast,
        true,
        user_node,
    ))
}

/// GetCoWorkers in a chosen order, in full (`DetailMode`) or identity only.
pub fn get_co_workers1(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    let caller = ctx.caller(args.str("AuthenticationTicket"))?;
    let view = if args.bool("DetailMode") {
        user_node
    } else {
        identity_node
    };
    Ok(every_user(
        Scope::CoWorkersOf(caller.user.id),
        sort_key(args.int("SortBy")),
        args.bool("SortAscending"),
        view,
    ))
}
