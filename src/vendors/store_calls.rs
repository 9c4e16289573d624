//! The adapters' store calls, off the async workers (SQLite blocks). A request's
//! checks (route, method, credentials, content type, body) read a snapshot, so a
//! refused request and a read-only call never wait for the single writer.

use actix_web::web;

use crate::state::AppState;
use crate::store::{Store, StoreError, Tx};

/// The worker running a request's store calls stopped; nothing was written.
#[derive(Debug, thiserror::Error)]
#[error("the request's worker stopped")]
pub struct Interrupted;

/// Runs `f` with the store on the blocking pool.
pub async fn with_store<T, E, F>(state: &AppState, f: F) -> Result<T, E>
where
    F: FnOnce(&Store) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<Interrupted> + Send + 'static,
{
    let store = state.service.store.clone();
    web::block(move || f(&store))
        .await
        .unwrap_or_else(|_| Err(Interrupted.into()))
}

/// Runs `check` on a read snapshot and, once it passes, `write` with what it found in
/// one store transaction.
pub async fn check_then_write<C, T, E>(
    state: &AppState,
    check: impl FnOnce(&Tx) -> Result<C, E> + Send + 'static,
    write: impl FnOnce(&Tx, C) -> Result<T, E> + Send + 'static,
) -> Result<T, E>
where
    T: Send + 'static,
    E: From<StoreError> + From<Interrupted> + Send + 'static,
{
    with_store(state, move |store| {
        let checked = store.read(check)?;
        store.write(|tx| write(tx, checked))
    })
    .await
}
