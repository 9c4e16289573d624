//! A thread that serves the writer thread through a channel: the syncer
//! (`write_queue.rs`) and the checkpointer (`checkpoints.rs`). The writer thread owns
//! both; dropping one closes its channel and waits for it to finish what it was sent.

use std::sync::mpsc::{channel, Receiver, Sender};
use std::thread::{self, JoinHandle};

pub(super) struct HelperThread<M> {
    sender: Option<Sender<M>>,
    handle: Option<JoinHandle<()>>,
}

impl<M: Send + 'static> HelperThread<M> {
    /// Starts `serve` on a thread of its own; `None` (logged) when it cannot start,
    /// and the caller does the work itself.
    pub fn start(
        name: &str,
        serve: impl FnOnce(Receiver<M>) + Send + 'static,
    ) -> Option<HelperThread<M>> {
        let (sender, receiver) = channel::<M>();
        match thread::Builder::new()
            .name(name.into())
            .spawn(move || serve(receiver))
        {
            Ok(handle) => Some(HelperThread {
                sender: Some(sender),
                handle: Some(handle),
            }),
            Err(e) => {
                tracing::error!(error = %e, thread = name, "a helper thread did not start");
                None
            }
        }
    }

    /// Sends `message`; gives it back when the thread has gone (it panicked).
    pub fn send(&self, message: M) -> Result<(), M> {
        match &self.sender {
            Some(sender) => sender.send(message).map_err(|e| e.0),
            None => Err(message),
        }
    }
}

impl<M> Drop for HelperThread<M> {
    fn drop(&mut self) {
        drop(self.sender.take());
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}
