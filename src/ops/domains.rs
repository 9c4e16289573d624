//! The domain-based listings: GetLocalUsers, GetCoWorkers and GetCoWorkers1
//! (Part B §2.14).

use super::args::Args;
use super::error::OpError;
use super::listing::{sort_key, users_element};
use super::reply::{Node, Reply};
use super::user_view::{identity_node, user_node};
use super::Ctx;
use crate::model::User;
use crate::store::{Scope, SortKey, UserFilter, UserQuery};

fn list(
    ctx: &Ctx,
    scope: Scope,
    sort: SortKey,
    ascending: bool,
    view: fn(&User) -> Node,
) -> Result<Reply, OpError> {
    let users = ctx.tx.list_users(&UserQuery {
        scope,
        filter: UserFilter::default(),
        sort,
        ascending,
        page: None,
    })?;
    Ok(Reply::ok().child(users_element(&users, view)))
}

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
    list(
        ctx,
        Scope::LocalTo(domain.id),
        SortKey::FirstLast,
        true,
        user_node,
    )
}

/// Everyone else who is a member of a domain the caller is a member of, by first name
/// then last name.
pub fn get_co_workers(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    let caller = ctx.caller(args.str("AuthenticationTicket"))?;
    list(
        ctx,
        Scope::CoWorkersOf(caller.user.id),
        SortKey::FirstLast,
        true,
        user_node,
    )
}

/// GetCoWorkers in a chosen order, in full (`DetailMode`) or identity only.
pub fn get_co_workers1(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    let caller = ctx.caller(args.str("AuthenticationTicket"))?;
    let view = if args.bool("DetailMode") {
        user_node
    } else {
        identity_node
    };
    list(
        ctx,
        Scope::CoWorkersOf(caller.user.id),
        sort_key(args.int("SortBy")),
        args.bool("SortAscending"),
        view,
    )
}
