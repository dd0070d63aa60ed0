//! The future a query's `.run()`, `.get()` or `.all()` returns: the statement is built and
//! checked when the method is called, and the future is then the executor's own (or the
//! answer already known: a limit refused, nothing to do).
//!
//! An `async fn` at each layer would nest a state machine per layer (query method, `Db`,
//! executor), each moving the builder or the statement into itself and carrying its own
//! poll and drop code; on the fast native backend that machine code was a measurable part
//! of a one-row query (see bench/README.md). A `Call` is one enum around the executor's
//! future.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::error::Result;

/// A database call in flight, or its result known before sending anything.
#[must_use = "a query does nothing until it is awaited"]
pub(crate) enum Call<F, T> {
    /// Answered without the database (taken when polled).
    Ready(Option<Result<T>>),
    /// The executor's future.
    Sent(F),
}

impl<F, T> Call<F, T> {
    /// A call that fails with `error` without reaching the database.
    pub(crate) fn refused(error: crate::error::Error) -> Self {
        Call::Ready(Some(Err(error)))
    }

    /// A call answered with `value` without reaching the database.
    pub(crate) fn ready(value: T) -> Self {
        Call::Ready(Some(Ok(value)))
    }
}

impl<F: Future<Output = Result<T>>, T> Future for Call<F, T> {
    type Output = Result<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T>> {
        // SAFETY: the executor's future is never moved out of a pinned `Call`: it is only
        // polled in place (structural pinning of `Sent`), and `Ready`'s value is not pinned.
        match unsafe { self.get_unchecked_mut() } {
            Call::Ready(answer) => {
                Poll::Ready(answer.take().expect("`Call` polled after it completed"))
            }
            Call::Sent(future) => unsafe { Pin::new_unchecked(future) }.poll(cx),
        }
    }
}

/// One of two futures with the same output (a query method whose common case is one
/// statement, and whose other case needs more steps).
pub(crate) enum Either<A, B> {
    /// The common case.
    One(A),
    /// The other.
    Other(B),
}

impl<A: Future, B: Future<Output = A::Output>> Future for Either<A, B> {
    type Output = A::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<A::Output> {
        // SAFETY: structural pinning: neither future is ever moved out of a pinned `Either`.
        match unsafe { self.get_unchecked_mut() } {
            Either::One(a) => unsafe { Pin::new_unchecked(a) }.poll(cx),
            Either::Other(b) => unsafe { Pin::new_unchecked(b) }.poll(cx),
        }
    }
}
