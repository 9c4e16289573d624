//! The vendor adapters' store work, run by the service so that no protocol module
//! decides where work runs: off the async workers (SQLite blocks), a request's checks
//! (route, method, credentials, content type, body) on a read snapshot, so a refused
//! request and a read-only call never wait for the single writer, and the write itself
//! on the writer thread.

use actix_web::rt::task::spawn_blocking;

use super::call::Interrupted;
use super::service::Service;
use crate::store::{Store, StoreError, Tx};

impl Service {
    /// Runs `f` with the store on the blocking pool.
    pub async fn with_store<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&Store) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<Interrupted> + Send + 'static,
    {
        let store = self.store.clone();
        spawn_blocking(move || f(&store))
            .await
            .unwrap_or_else(|_| Err(Interrupted.into()))
    }

    /// Runs `check` on a read snapshot and, once it passes, `write` with what it found
    /// in one store transaction.
    pub async fn check_then_write<C, T, E>(
        &self,
        check: impl FnOnce(&Tx) -> Result<C, E> + Send + 'static,
        write: impl FnOnce(&Tx, C) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        C: Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + From<Interrupted> + Send + 'static,
    {
        let checked = self.with_store(move |store| store.read(check)).await?;
        self.submit(move |tx| write(tx, checked)).await
    }

    /// Runs `write` in one store transaction on the writer thread; resolves once it
    /// is durable (or rolled back).
    pub async fn submit<T, E>(
        &self,
        write: impl FnOnce(&Tx) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + From<Interrupted> + Send + 'static,
    {
        self.store
            .submit(write)
            .await
            .unwrap_or_else(|_| Err(Interrupted.into()))
    }
}
