//! The XmlNode a method returns, as a plain tree: the protocol layer turns it into
//! bytes. Every method answers `<root …>` or `<response …>` (docs/compatibility.md A1), chosen by the
//! method table, with `success` first and, for `<response>`, `error` after it.
//!
//! Listings too large to hold (GetAllUsers, GetLocalUsers, GetCoWorkers(1)) answer
//! every matching user, which on a big store is tens of megabytes. Their `<users>`
//! node names the query ([`UserRows`]) instead of holding the users, and the protocol
//! layer reads them in batches from a snapshot while it writes the answer, so memory
//! does not grow with the store. A node holds rows and rows yield nodes, so both live
//! here.

use std::fmt;
use std::sync::Arc;

use super::error::OpError;
use super::snapshot::Snapshot;
use crate::model::User;
use crate::store::{Cursor, UserQuery};

/// The root element of a method's XmlNode (docs/compatibility.md A1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Root {
    Root,
    Response,
}

impl Root {
    pub fn element(self) -> &'static str {
        match self {
            Root::Root => "root",
            Root::Response => "response",
        }
    }
}

/// Users per batch: enough that the per-batch query is a small part of the cost, few
/// enough that a batch's users, nodes and text stay around a megabyte.
const BATCH: u32 = 1000;

pub type Attr = (&'static str, Text);

/// An attribute's text. Most values are literals (`true`, `TRUE`, `""`) or fields of a
/// user the answer shows; the node borrows the first and shares the user (with the
/// read cache, say) for the second, rather than copying text on every answer.
#[derive(Clone)]
pub enum Text {
    Static(&'static str),
    Owned(String),
    Field(Arc<User>, fn(&User) -> &str),
}

impl Text {
    pub fn as_str(&self) -> &str {
        match self {
            Text::Static(text) => text,
            Text::Owned(text) => text,
            Text::Field(user, field) => field(user),
        }
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl From<&'static str> for Text {
    fn from(text: &'static str) -> Text {
        Text::Static(text)
    }
}

/// What an attribute's value can be given as.
pub trait AttrValue {
    fn into_value(self) -> Text;
}

impl AttrValue for Text {
    fn into_value(self) -> Text {
        self
    }
}

impl AttrValue for &'static str {
    fn into_value(self) -> Text {
        Text::Static(self)
    }
}

impl AttrValue for String {
    fn into_value(self) -> Text {
        Text::Owned(self)
    }
}

impl AttrValue for &String {
    fn into_value(self) -> Text {
        Text::Owned(self.clone())
    }
}

#[derive(Debug, Clone)]
pub struct Node {
    pub name: &'static str,
    pub attrs: Vec<Attr>,
    pub children: Vec<Node>,
    /// More children, after `children`, read only as the answer is written.
    pub rows: Option<UserRows>,
}

impl Node {
    pub fn new(name: &'static str) -> Node {
        Node {
            name,
            attrs: Vec::new(),
            children: Vec::new(),
            rows: None,
        }
    }

    pub fn rows(mut self, rows: UserRows) -> Node {
        self.rows = Some(rows);
        self
    }

    /// Whether any part of the tree is read only as the answer is written.
    pub fn has_rows(&self) -> bool {
        self.rows.is_some() || self.children.iter().any(Node::has_rows)
    }

    pub fn attr(mut self, name: &'static str, value: impl AttrValue) -> Node {
        self.attrs.push((name, value.into_value()));
        self
    }

    /// Room for `additional` more attributes, for a node whose count is known, so the
    /// list is not grown step by step.
    pub fn reserve_attrs(mut self, additional: usize) -> Node {
        self.attrs.reserve_exact(additional);
        self
    }

    pub fn child(mut self, child: Node) -> Node {
        self.children.push(child);
        self
    }

    /// An in-band error in the method's root element: `success="false" error="…"`.
    pub fn failure(root: Root, error: impl AttrValue) -> Node {
        Node::new(root.element())
            .attr("success", "false")
            .attr("error", error)
    }
}

/// What a successful method adds to its root element.
#[derive(Debug, Default)]
pub struct Reply {
    /// Attributes written right after `success` (before `error` on `<response>`).
    head: Vec<Attr>,
    /// Attributes written after `error`.
    tail: Vec<Attr>,
    children: Vec<Node>,
}

impl Reply {
    pub fn ok() -> Reply {
        Reply::default()
    }

    pub fn attr(mut self, name: &'static str, value: impl AttrValue) -> Reply {
        self.tail.push((name, value.into_value()));
        self
    }

    /// An attribute written before `error` (CreateUser's `id`, docs/compatibility.md B2.15).
    pub fn attr_before_error(mut self, name: &'static str, value: impl AttrValue) -> Reply {
        self.head.push((name, value.into_value()));
        self
    }

    pub fn child(mut self, child: Node) -> Reply {
        self.children.push(child);
        self
    }
}

/// Wraps an operation's outcome in the method's root element.
pub fn render(root: Root, outcome: Result<Reply, OpError>) -> Node {
    match outcome {
        Ok(reply) => {
            let mut node = Node::new(root.element()).attr("success", "true");
            node.attrs.extend(reply.head);
            if root == Root::Response {
                node = node.attr("error", "");
            }
            node.attrs.extend(reply.tail);
            node.children = reply.children;
            node
        }
        Err(error) => failed(root, error),
    }
}

/// The in-band answer to a failed call. A system error (the store, or anything the
/// documentation does not define) is logged here, where a client is told of it.
pub fn failed(root: Root, error: OpError) -> Node {
    if matches!(error, OpError::System(_)) {
        tracing::error!(error = %error, "system error answered");
    }
    Node::failure(root, error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_success_carries_empty_error_after_success() {
        let node = render(Root::Response, Ok(Reply::ok().attr("totalusercount", "3")));
        let names: Vec<_> = node.attrs.iter().map(|a| a.0).collect();
        assert_eq!(names, ["success", "error", "totalusercount"]);
    }

    #[test]
    fn head_attributes_go_between_success_and_error() {
        let reply = Reply::ok().attr_before_error("id", "9").attr("tail", "x");
        let node = render(Root::Response, Ok(reply));
        let names: Vec<_> = node.attrs.iter().map(|a| a.0).collect();
        assert_eq!(names, ["success", "id", "error", "tail"]);
    }

    #[test]
    fn root_success_has_no_error_attribute() {
        let node = render(Root::Root, Ok(Reply::ok()));
        assert_eq!(node.attrs, vec![("success", "true".into())]);
    }

    #[test]
    fn failure_carries_the_exact_text() {
        let node = render(Root::Root, Err(OpError::SessionExpired));
        assert_eq!(
            node.attrs[1],
            ("error", "[901] Session expired or Invalid ticket".into())
        );
    }
}

/// Children read as the answer is written: the users a query selects, each shown by
/// `view`, in the query's order.
#[derive(Debug, Clone)]
pub struct UserRows {
    query: UserQuery<'static>,
    view: fn(Arc<User>) -> Node,
    cursor: Cursor,
    done: bool,
}

impl UserRows {
    pub fn new(query: UserQuery<'static>, view: fn(Arc<User>) -> Node) -> UserRows {
        UserRows {
            query,
            view,
            cursor: Cursor::default(),
            done: false,
        }
    }

    /// The next batch of elements, `None` once every user was read.
    pub fn next_batch(&mut self, snapshot: &Snapshot) -> Result<Option<Vec<Node>>, OpError> {
        if self.done {
            return Ok(None);
        }
        let users = snapshot.read(|tx| tx.next_users(&self.query, &mut self.cursor, BATCH))?;
        // A short batch is the last one: no query to find nothing after it.
        self.done = users.len() < BATCH as usize;
        if users.is_empty() {
            return Ok(None);
        }
        Ok(Some(
            users.into_iter().map(Arc::new).map(self.view).collect(),
        ))
    }
}
