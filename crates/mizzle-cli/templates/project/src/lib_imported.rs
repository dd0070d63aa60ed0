//! {{name}}: a Worker on Cloudflare D1, its schema imported from a Drizzle project
//! (`schema/` was written by `mizzle import-drizzle`). Write your handlers against the
//! generated code in `schema` (see it with `cargo doc --open`); `docs/coming-from-drizzle.md`
//! of mizzle translates Drizzle's query patterns.

pub mod schema {
    //! Generated from `schema/*.toml` by `build.rs`.
    mizzle::include_schema!();
}

#[cfg(target_arch = "wasm32")]
mod worker_app {
    use worker::{Context, Env, Request, Response, Result, Router, event};

    use crate::schema;

    #[event(fetch)]
    async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
        Router::new()
            // 200 when the D1 database has every migration this code was built with; 503
            // naming the missing ones (and the command that applies them) otherwise.
            .get_async("/health", |_, ctx| async move {
                match schema::d1_verified(&ctx.env).await {
                    Ok(_) => Response::from_json(&serde_json::json!({ "ok": true })),
                    Err(e) => Ok(Response::from_json(&serde_json::json!({ "error": e.to_string() }))?
                        .with_status(e.http_status())),
                }
            })
            .run(req, env)
            .await
    }
}
