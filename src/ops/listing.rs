//! GetAllUsers, GetAllUsers1, GetAllUsers2 and GetAllUsersWithoutDetails: system
//! administrators only (docs/compatibility.md B2.13). Paging, filtering, sorting and counting are done
//! by the store in SQL; this file only reads the parameters. GetAllUsers' users are
//! read as its answer is written (see `rows`).

use std::sync::Arc;

use super::args::Args;
use super::ctx::Ctx;
use super::error::OpError;
use super::reply::UserRows;
use super::reply::{Node, Reply};
use super::user_view::{identity_node, user_node};
use crate::model::User;
use crate::store::{Page, Scope, SortKey, UserFilter, UserQuery};

/// The documented `SortBy` codes 1–8; 0 and any other value are the default order,
/// first name then last name (the order of GetAllUsers and GetCoWorkers).
pub fn sort_key(code: i32) -> SortKey {
    usize::try_from(code)
        .ok()
        .and_then(|c| c.checked_sub(1))
        .and_then(|i| SortKey::ALL.get(i).copied())
        .unwrap_or(SortKey::FirstLast)
}

/// `<users>` holding one `<User>` per user, in the given form.
fn users_element(users: Vec<User>, view: fn(Arc<User>) -> Node) -> Node {
    let mut element = Node::new("users");
    element.children = users.into_iter().map(Arc::new).map(view).collect();
    element
}

/// `<users>` with every user of `scope` in the given order and form, read as the
/// answer is written.
pub fn every_user(
    scope: Scope,
    sort: SortKey,
    ascending: bool,
    view: fn(Arc<User>) -> Node,
) -> Reply {
    let query = UserQuery::every(scope, sort, ascending);
    Reply::ok().child(Node::new("users").rows(UserRows::new(query, view)))
}

/// Every user, disabled ones included, by first name then last name.
pub fn get_all_users(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    ctx.sysadmin_caller(args.str("AuthenticationTicket"), OpError::AccessDenied)?;
    Ok(every_user(Scope::All, SortKey::FirstLast, true, user_node))
}

/// The parameter names of one paged listing method (they differ between them;
/// GetAllUsers1 keeps the documented `NumbeOfRow` spelling).
struct PagedParams {
    rows: &'static str,
    status: &'static str,
    /// GetAllUsers1 has no user type filter.
    user_type: Option<&'static str>,
}

/// `-1` (or any other value) filters nothing; 0 is disabled users, 1 enabled ones.
fn status_filter(code: i32) -> Option<bool> {
    match code {
        0 => Some(false),
        1 => Some(true),
        _ => None,
    }
}

/// `-1` (or any other value) filters nothing; 1 is authors, 2 read-only users.
fn read_only_filter(code: i32) -> Option<bool> {
    match code {
        1 => Some(false),
        2 => Some(true),
        _ => None,
    }
}

/// A page of the filtered users and the number of all matching users. A negative
/// start counts as 0 and a negative row count as 0 rows (only the count is answered).
fn paged(
    ctx: &Ctx,
    args: &Args,
    names: PagedParams,
    view: fn(Arc<User>) -> Node,
) -> Result<Reply, OpError> {
    ctx.sysadmin_caller(args.str("AuthenticationTicket"), OpError::AccessDenied)?;
    let non_negative = |name| u32::try_from(args.int(name)).unwrap_or(0);
    let query = UserQuery {
        scope: Scope::All,
        filter: UserFilter {
            first_name: args.str("firstNameFilter"),
            last_name: args.str("lastNameFilter"),
            user_name: args.str("userNameFilter"),
            email: args.str("emailFilter"),
            auth_source: args.str("authenticationSourceFilter"),
            domain: args.str("domainNameFilter"),
            enabled: status_filter(args.int(names.status)),
            read_only: names.user_type.and_then(|n| read_only_filter(args.int(n))),
        },
        sort: sort_key(args.int("SortBy")),
        ascending: args.bool("SortAscending"),
        page: Some(Page {
            offset: non_negative("StartingRowNumber"),
            limit: non_negative(names.rows),
        }),
    };
    let total = ctx.tx.count_users(&query)?;
    let users = ctx.tx.list_users(&query)?;
    Ok(Reply::ok()
        .attr("totalusercount", total.to_string())
        .child(users_element(users, view)))
}

const PAGED1: PagedParams = PagedParams {
    rows: "NumbeOfRow",
    status: "StatusFilter",
    user_type: None,
};

/// GetAllUsers2's and GetAllUsersWithoutDetails' names: tidied, with a type filter.
const PAGED2: PagedParams = PagedParams {
    rows: "NumberOfRow",
    status: "UserStatusFilter",
    user_type: Some("UserTypeFilter"),
};

pub fn get_all_users1(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    paged(ctx, args, PAGED1, user_node)
}

pub fn get_all_users2(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    paged(ctx, args, PAGED2, user_node)
}

pub fn get_all_users_without_details(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    paged(ctx, args, PAGED2, identity_node)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_codes_follow_the_documentation() {
        assert_eq!(sort_key(1), SortKey::UserName);
        assert_eq!(sort_key(3), SortKey::LastFirst);
        assert_eq!(sort_key(8), SortKey::UserType);
        for other in [0, -1, 9, i32::MIN, i32::MAX] {
            assert_eq!(sort_key(other), SortKey::FirstLast, "{other}");
        }
    }
}
