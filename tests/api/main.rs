//! One test binary: every test starts a real server and speaks HTTP to it.

mod auth;
mod contact;
mod helpers;
mod passwords;
mod protocol;
mod users;
