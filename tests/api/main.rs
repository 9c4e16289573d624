//! One test binary: every test starts a real server and speaks HTTP to it.

mod account;
mod admin;
mod auth;
mod clients;
mod concurrency;
mod contact;
mod crash;
mod cross_protocol;
mod description;
mod domains;
mod helpers;
mod hostile;
mod hostile_vendors;
mod listing;
mod logs;
mod passwords;
mod permissions;
mod preferences;
mod protocol;
mod slow_body;
mod users;
mod vendors_chatbot;
mod vendors_commbox;
mod vendors_conscent;
mod vendors_webapi;
mod welcome;
