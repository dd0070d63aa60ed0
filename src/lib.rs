//! Example Worker: a small blog API on Cloudflare D1, written only against the code mizzle
//! generates from `schema/`.
//!
//! [`api`] holds the handlers, generic over the executor so the same code runs on D1
//! (wasm32) and on native SQLite in tests; `worker_app` wires them to HTTP routes.

pub mod schema {
    //! The module mizzle generates from `schema/*.toml`.
    mizzle::include_schema!();
}

pub mod api;

#[cfg(target_arch = "wasm32")]
mod notebook;
#[cfg(target_arch = "wasm32")]
mod worker_app;
