//! The benchmark routes written with mizzle: the same routes and JSON as
//! `bench/workers/hand` (see bench/workers/README.md).
#![cfg(target_arch = "wasm32")]

use mizzle::d1::D1Executor;
use serde::Deserialize;
use worker::*;

mizzle::include_schema!();

fn fail(e: mizzle::Error) -> Error {
    Error::RustError(e.to_string())
}

thread_local! {
    /// Whether this request asked for its rows read and written to be counted
    /// (`x-mizzle-usage: 1`): abc.mjs measures what counting costs.
    static COUNT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn db(env: &Env) -> Result<mizzle::Db<D1Executor>> {
    let db = mizzle::Db::new(D1Executor::from_env(env, "DB").map_err(fail)?);
    Ok(if COUNT.get() { db.track_usage() } else { db })
}

fn id_param(ctx: &RouteContext<()>) -> Result<i64> {
    ctx.param("id")
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| Error::RustError("bad id".into()))
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    COUNT.set(req.headers().get("x-mizzle-usage")?.is_some());
    Router::new()
        .get_async("/users/:id", |_, ctx| async move {
            let user = db(&ctx.env)?
                .select(users::table)
                .filter(users::id.eq(id_param(&ctx)?))
                .get()
                .await
                .map_err(fail)?;
            match user {
                Some(u) => Response::from_json(&u),
                None => Response::error("not found", 404),
            }
        })
        .get_async("/posts", |_, ctx| async move {
            let posts = db(&ctx.env)?
                .select(posts::table)
                .filter(posts::published.eq(true))
                .order_by(posts::id)
                .limit(50)
                .all()
                .await
                .map_err(fail)?;
            Response::from_json(&posts)
        })
        .get_async("/users/:id/tree", |_, ctx| async move {
            let tree = db(&ctx.env)?
                .select(users::table)
                .filter(users::id.eq(id_param(&ctx)?))
                .with(users::posts.with(posts::comments))
                .get()
                .await
                .map_err(fail)?;
            match tree {
                Some(t) => Response::from_json(&t),
                None => Response::error("not found", 404),
            }
        })
        .post_async("/tags", |mut req, ctx| async move {
            #[derive(Deserialize)]
            struct Body {
                name: String,
            }
            let body: Body = req.json().await?;
            let tag = db(&ctx.env)?
                .insert(tags::table)
                .values(NewTag::new(body.name))
                .on_conflict(tags::name)
                .do_nothing()
                .returning()
                .get()
                .await
                .map_err(fail)?;
            Response::from_json(&tag)
        })
        .post_async("/samples/bulk", |req, ctx| async move {
            let n: i64 = req
                .url()?
                .query_pairs()
                .find(|(k, _)| k == "n")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(1000);
            // mizzle chunks the rows under D1's parameter limit, into one atomic batch.
            let written = db(&ctx.env)?
                .insert(samples::table)
                .values_many((0..n).map(|i| NewSample::new(format!("s{i}")).int_v(i)))
                .run()
                .await
                .map_err(fail)?;
            Response::from_json(&serde_json::json!({ "changed": written.rows_affected }))
        })
        .run(req, env)
        .await
}
