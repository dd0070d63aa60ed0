//! HTTP routes of the example Worker (wasm32 only).

use mizzle::d1::D1Executor;
use mizzle::{Counted, Db};
use serde::Serialize;
use worker::{Context, Env, Request, Response, Result, RouteContext, Router, event};

use crate::api::{self, ApiError, ApiResult};
use crate::schema;

fn db(env: &Env) -> ApiResult<Db<D1Executor>> {
    Ok(schema::d1(env)?)
}

/// A database that counts its round trips, reported in the `x-mizzle-round-trips` header.
fn counted_db(env: &Env) -> ApiResult<Db<Counted<D1Executor>>> {
    Ok(Db::new(Counted::new(D1Executor::from_env(
        env,
        schema::D1_BINDING,
    )?)))
}

fn respond_counted<T: Serialize>(
    result: ApiResult<T>,
    ok_status: u16,
    trips: usize,
) -> Result<Response> {
    let mut response = respond(result, ok_status)?;
    response
        .headers_mut()
        .set("x-mizzle-round-trips", &trips.to_string())?;
    Ok(response)
}

#[derive(serde::Deserialize)]
struct PostWithTags {
    post: schema::NewPost,
    #[serde(default)]
    tags: Vec<String>,
}

fn respond<T: Serialize>(result: ApiResult<T>, ok_status: u16) -> Result<Response> {
    match result {
        Ok(v) => Ok(Response::from_json(&v)?.with_status(ok_status)),
        Err(ApiError { status, message }) => {
            Ok(Response::from_json(&serde_json::json!({ "error": message }))?.with_status(status))
        }
    }
}

fn id_param(ctx: &RouteContext<()>) -> ApiResult<i64> {
    ctx.param("id")
        .and_then(|s| s.parse().ok())
        .ok_or(ApiError {
            status: 400,
            message: "id must be an integer".into(),
        })
}

fn query_u64(req: &Request, key: &str, default: u64) -> u64 {
    req.url()
        .ok()
        .and_then(|u| {
            u.query_pairs()
                .find(|(k, _)| k == key)
                .and_then(|(_, v)| v.parse().ok())
        })
        .unwrap_or(default)
}

async fn json_body<T: serde::de::DeserializeOwned>(req: &mut Request) -> ApiResult<T> {
    req.json().await.map_err(|e| ApiError {
        status: 400,
        message: format!("invalid JSON body: {e}"),
    })
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    Router::new()
        .get("/", |_, _| Response::ok("mizzle example: /users, /posts"))
        .post_async("/users", |mut req, ctx| async move {
            let r =
                async { api::create_user(&db(&ctx.env)?, json_body(&mut req).await?).await }.await;
            respond(r, 201)
        })
        .get_async("/users", |req, ctx| async move {
            let (limit, offset) = (query_u64(&req, "limit", 50), query_u64(&req, "offset", 0));
            respond(
                async { api::list_users(&db(&ctx.env)?, limit, offset).await }.await,
                200,
            )
        })
        .get_async("/users/:id", |_, ctx| async move {
            respond(
                async { api::get_user(&db(&ctx.env)?, id_param(&ctx)?).await }.await,
                200,
            )
        })
        .patch_async("/users/:id", |mut req, ctx| async move {
            let r = async {
                api::update_user(&db(&ctx.env)?, id_param(&ctx)?, json_body(&mut req).await?).await
            }
            .await;
            respond(r, 200)
        })
        .delete_async("/users/:id", |_, ctx| async move {
            respond(
                async { api::delete_user(&db(&ctx.env)?, id_param(&ctx)?).await }.await,
                200,
            )
        })
        .get_async("/users/:id/post-count", |_, ctx| async move {
            respond(
                async { api::count_posts(&db(&ctx.env)?, id_param(&ctx)?).await }.await,
                200,
            )
        })
        .get_async("/users/:id/tree", |_, ctx| async move {
            let db = match counted_db(&ctx.env) {
                Ok(db) => db,
                Err(e) => return respond::<()>(Err(e), 200),
            };
            let r = async { api::user_tree(&db, id_param(&ctx)?).await }.await;
            respond_counted(r, 200, db.executor().round_trips())
        })
        .get_async("/users/:id/tree-naive", |_, ctx| async move {
            let db = match counted_db(&ctx.env) {
                Ok(db) => db,
                Err(e) => return respond::<()>(Err(e), 200),
            };
            let r = async { api::user_tree_naive(&db, id_param(&ctx)?).await }.await;
            respond_counted(r, 200, db.executor().round_trips())
        })
        .post_async("/users/bulk", |req, ctx| async move {
            let n = query_u64(&req, "n", 0) as usize;
            let prefix = req
                .url()
                .ok()
                .and_then(|u| {
                    u.query_pairs()
                        .find(|(k, _)| k == "prefix")
                        .map(|(_, v)| v.into_owned())
                })
                .unwrap_or_else(|| "u".into());
            let db = match counted_db(&ctx.env) {
                Ok(db) => db,
                Err(e) => return respond::<()>(Err(e), 200),
            };
            let r = api::bulk_users(&db, n, &prefix).await;
            respond_counted(r, 201, db.executor().round_trips())
        })
        .post_async("/posts-with-tags", |mut req, ctx| async move {
            let r = async {
                let body: PostWithTags = json_body(&mut req).await?;
                api::create_post_with_tags(&db(&ctx.env)?, body.post, body.tags).await
            }
            .await;
            respond(r, 201)
        })
        .get_async("/precision", |_, ctx| async move {
            respond(async { api::precision(&db(&ctx.env)?).await }.await, 200)
        })
        .post_async("/posts", |mut req, ctx| async move {
            let r =
                async { api::create_post(&db(&ctx.env)?, json_body(&mut req).await?).await }.await;
            respond(r, 201)
        })
        .get_async("/posts", |req, ctx| async move {
            let author = req.url().ok().and_then(|u| {
                u.query_pairs()
                    .find(|(k, _)| k == "author_id")
                    .and_then(|(_, v)| v.parse().ok())
            });
            let limit = query_u64(&req, "limit", 50);
            respond(
                async { api::list_posts(&db(&ctx.env)?, author, limit).await }.await,
                200,
            )
        })
        .get_async("/posts/:id", |_, ctx| async move {
            respond(
                async { api::get_post(&db(&ctx.env)?, id_param(&ctx)?).await }.await,
                200,
            )
        })
        .patch_async("/posts/:id", |mut req, ctx| async move {
            let r = async {
                api::update_post(&db(&ctx.env)?, id_param(&ctx)?, json_body(&mut req).await?).await
            }
            .await;
            respond(r, 200)
        })
        .delete_async("/posts/:id", |_, ctx| async move {
            respond(
                async { api::delete_post(&db(&ctx.env)?, id_param(&ctx)?).await }.await,
                200,
            )
        })
        .run(req, env)
        .await
}
