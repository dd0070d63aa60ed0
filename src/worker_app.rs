//! HTTP routes of the example Worker (wasm32 only).

use std::rc::Rc;

use mizzle::d1::{D1Executor, SessionStart};
use mizzle::{Counted, Db};
use serde::Serialize;
use worker::{Context, Env, Request, Response, Result, RouteContext, Router, event};

use crate::api::{self, ApiError, ApiResult};
use crate::schema::{self, FromEnv};

/// The request's database: a D1 session continuing from the request's `x-d1-bookmark`.
type Data = Rc<ApiResult<Db<D1Executor>>>;

fn db(ctx: &RouteContext<Data>) -> ApiResult<&Db<D1Executor>> {
    ctx.data.as_ref().as_ref().map_err(Clone::clone)
}

/// A database that counts its round trips, reported in the `x-mizzle-round-trips` header.
/// Runs `f` on a database that counts its round trips, and reports the count in the
/// `x-mizzle-round-trips` header.
async fn counted<T: Serialize>(
    env: &Env,
    ok_status: u16,
    f: impl AsyncFnOnce(&Db<Counted<D1Executor>>) -> ApiResult<T>,
) -> Result<Response> {
    let db = match D1Executor::from_env(env, schema::D1_BINDING) {
        Ok(exec) => Db::new(Counted::new(exec)),
        Err(e) => return respond::<()>(Err(e.into()), ok_status),
    };
    let result = f(&db).await;
    let mut response = respond(result, ok_status)?;
    response.headers_mut().set(
        "x-mizzle-round-trips",
        &db.executor().round_trips().to_string(),
    )?;
    Ok(response)
}

#[derive(serde::Deserialize)]
struct PostWithTags {
    post: schema::NewPostInput,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(serde::Deserialize)]
struct PostWithTagIds {
    post: schema::NewPostInput,
    tag_ids: Vec<i64>,
}

fn query_str(req: &Request, key: &str) -> String {
    req.url()
        .ok()
        .and_then(|u| {
            u.query_pairs()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.into_owned())
        })
        .unwrap_or_default()
}

fn respond<T: Serialize>(result: ApiResult<T>, ok_status: u16) -> Result<Response> {
    match result {
        Ok(v) => Ok(Response::from_json(&v)?.with_status(ok_status)),
        Err(ApiError { status, message }) => {
            Ok(Response::from_json(&serde_json::json!({ "error": message }))?.with_status(status))
        }
    }
}

fn id_param(ctx: &RouteContext<Data>) -> ApiResult<i64> {
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

/// The body read into `T` with serde_json. Not `req.json()`: worker's goes through
/// `serde_wasm_bindgen`, which reads only the fields a struct names and so ignores
/// `deny_unknown_fields` (a client's `{"id": 100}` would pass the input structs silently).
async fn json_body<T: serde::de::DeserializeOwned>(req: &mut Request) -> ApiResult<T> {
    let bad = |e: &dyn std::fmt::Display| ApiError {
        status: 400,
        message: format!("invalid JSON body: {e}"),
    };
    let text = req.text().await.map_err(|e| bad(&e))?;
    serde_json::from_str(&text).map_err(|e| bad(&e))
}

/// The header that carries a D1 session bookmark between requests.
const BOOKMARK: &str = "x-d1-bookmark";

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    // Sequential consistency across requests: continue the client's session if it sent a
    // bookmark, and hand back where this request got to.
    let start = SessionStart::from_bookmark(
        req.headers().get(BOOKMARK)?,
        SessionStart::FirstUnconstrained,
    );
    // Every request counts the rows it reads and writes (D1 bills them), reported in the
    // `x-d1-rows-read` and `x-d1-rows-written` headers.
    let db = Db::from_env(&env)
        .and_then(|db| db.session(start))
        .map(Db::track_usage);
    // Once per isolate: a database that lacks a migration this code was built with answers
    // 503 naming it (every request, until it is applied), instead of failing query by query.
    let db = match db {
        Ok(db) => schema::MIGRATION_CHECK.verify(&db).await.map(|()| db),
        Err(e) => Err(e),
    };
    let data: Data = Rc::new(db.map_err(ApiError::from));
    let used = |data: &Data| data.as_ref().as_ref().ok().and_then(Db::usage);
    let before = used(&data).unwrap_or_default();
    let mut response = router(data.clone()).run(req, env).await?;
    if let Some(bookmark) = data.as_ref().as_ref().ok().and_then(Db::bookmark) {
        response.headers_mut().set(BOOKMARK, &bookmark)?;
    }
    // What this request's handler ran on D1 (a request a Durable Object answered ran
    // nothing here, and its response's headers are not ours to change).
    if let Some(u) = used(&data).map(|u| u.since(&before))
        && u.statements > 0
    {
        response
            .headers_mut()
            .set("x-d1-rows-read", &u.rows_read.to_string())?;
        response
            .headers_mut()
            .set("x-d1-rows-written", &u.rows_written.to_string())?;
    }
    Ok(response)
}

fn router(data: Data) -> Router<'static, Data> {
    Router::with_data(data)
        .get("/", |_, _| Response::ok("mizzle example: /users, /posts"))
        .post_async("/users", |mut req, ctx| async move {
            let r = async {
                let new = json_body::<schema::NewUserInput>(&mut req).await?;
                api::create_user(db(&ctx)?, new.into()).await
            }
            .await;
            respond(r, 201)
        })
        .put_async("/users", |mut req, ctx| async move {
            let r = async {
                let new = json_body::<schema::NewUserInput>(&mut req).await?;
                api::upsert_user(db(&ctx)?, new.into()).await
            }
            .await;
            respond(r, 200)
        })
        .get_async("/users", |req, ctx| async move {
            let (limit, offset) = (query_u64(&req, "limit", 50), query_u64(&req, "offset", 0));
            respond(
                async { api::list_users(db(&ctx)?, limit, offset).await }.await,
                200,
            )
        })
        .get_async("/users/:id", |_, ctx| async move {
            respond(
                async { api::get_user(db(&ctx)?, id_param(&ctx)?).await }.await,
                200,
            )
        })
        .patch_async("/users/:id", |mut req, ctx| async move {
            let r = async {
                let patch = json_body::<schema::UserPatchInput>(&mut req).await?;
                api::update_user(db(&ctx)?, id_param(&ctx)?, patch.into()).await
            }
            .await;
            respond(r, 200)
        })
        .delete_async("/users/:id", |_, ctx| async move {
            respond(
                async { api::delete_user(db(&ctx)?, id_param(&ctx)?).await }.await,
                200,
            )
        })
        .get_async("/users/:id/post-count", |_, ctx| async move {
            respond(
                async { api::count_posts(db(&ctx)?, id_param(&ctx)?).await }.await,
                200,
            )
        })
        .get_async("/users/:id/tree", |_, ctx| async move {
            counted(&ctx.env, 200, async |db| {
                api::user_tree(db, id_param(&ctx)?).await
            })
            .await
        })
        .get_async("/users/:id/tree-naive", |_, ctx| async move {
            counted(&ctx.env, 200, async |db| {
                api::user_tree_naive(db, id_param(&ctx)?).await
            })
            .await
        })
        .get_async("/users/:id/tree-json", |_, ctx| async move {
            counted(&ctx.env, 200, async |db| {
                let json = api::user_tree_json(db, id_param(&ctx)?).await?;
                mizzle::serde_json::from_str::<mizzle::serde_json::Value>(&json).map_err(|e| {
                    ApiError {
                        status: 500,
                        message: e.to_string(),
                    }
                })
            })
            .await
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
            counted(&ctx.env, 201, async |db| {
                api::bulk_users(db, n, &prefix).await
            })
            .await
        })
        .post_async("/posts-with-tags", |mut req, ctx| async move {
            let r = async {
                let body: PostWithTags = json_body(&mut req).await?;
                api::create_post_with_tags(db(&ctx)?, body.post.into(), body.tags).await
            }
            .await;
            respond(r, 201)
        })
        .get_async("/precision", |_, ctx| async move {
            respond(async { api::precision(db(&ctx)?).await }.await, 200)
        })
        .post_async("/posts", |mut req, ctx| async move {
            let r = async {
                let new = json_body::<schema::NewPostInput>(&mut req).await?;
                api::create_post(db(&ctx)?, new.into()).await
            }
            .await;
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
                async { api::list_posts(db(&ctx)?, author, limit).await }.await,
                200,
            )
        })
        .get_async("/posts/:id", |_, ctx| async move {
            respond(
                async { api::get_post(db(&ctx)?, id_param(&ctx)?).await }.await,
                200,
            )
        })
        .patch_async("/posts/:id", |mut req, ctx| async move {
            let r = async {
                let patch = json_body::<schema::PostPatchInput>(&mut req).await?;
                api::update_post(db(&ctx)?, id_param(&ctx)?, patch.into()).await
            }
            .await;
            respond(r, 200)
        })
        .delete_async("/posts/:id", |_, ctx| async move {
            respond(
                async { api::delete_post(db(&ctx)?, id_param(&ctx)?).await }.await,
                200,
            )
        })
        .get_async("/users/by-email/:email", |_, ctx| async move {
            let email = ctx.param("email").cloned().unwrap_or_default();
            respond(
                async { api::user_by_email(db(&ctx)?, &email).await }.await,
                200,
            )
        })
        .post_async("/debug/failing-batch", |_, ctx| async move {
            respond(
                async { api::failing_batch(db(&ctx)?, "rollback").await }.await,
                200,
            )
        })
        .get_async("/queries/users-with-posts", |req, ctx| async move {
            let prefix = query_str(&req, "prefix");
            respond(
                async { api::users_with_posts(db(&ctx)?, &prefix).await }.await,
                200,
            )
        })
        .get_async("/queries/post-titles/:id", |_, ctx| async move {
            respond(
                async { api::post_titles(db(&ctx)?, id_param(&ctx)?).await }.await,
                200,
            )
        })
        .get_async("/queries/author-stats", |req, ctx| async move {
            let prefix = query_str(&req, "prefix");
            respond(
                async { api::author_stats(db(&ctx)?, &prefix).await }.await,
                200,
            )
        })
        .get_async("/queries/with-published", |req, ctx| async move {
            let prefix = query_str(&req, "prefix");
            respond(
                async { api::users_with_published(db(&ctx)?, &prefix).await }.await,
                200,
            )
        })
        .post_async("/posts/:id/view", |_, ctx| async move {
            respond(
                async { api::view_post(db(&ctx)?, id_param(&ctx)?).await }.await,
                200,
            )
        })
        .post_async("/posts-with-tag-ids", |mut req, ctx| async move {
            let r = async {
                let body: PostWithTagIds = json_body(&mut req).await?;
                api::create_post_with_tag_ids(db(&ctx)?, body.post.into(), body.tag_ids).await
            }
            .await;
            respond(r, 201)
        })
        // A notebook is a Durable Object: the request goes to the object named `name`.
        .on_async("/notebooks/:name/*rest", |req, ctx| async move {
            let name = ctx.param("name").cloned().unwrap_or_default();
            let stub = ctx
                .env
                .durable_object(schema::DURABLE_OBJECT_BINDING)?
                .id_from_name(&name)?
                .get_stub()?;
            stub.fetch_with_request(req).await
        })
        .post_async("/samples/edge/:case", |_, ctx| async move {
            let case = ctx.param("case").cloned().unwrap_or_default();
            respond(
                async { api::edge_roundtrip(db(&ctx)?, &case).await }.await,
                200,
            )
        })
        .get_async("/limits", |req, ctx| async move {
            let n = query_u64(&req, "n", 10_000) as i64;
            let or_terms = query_u64(&req, "or", 500) as usize;
            respond(
                async { api::limits(db(&ctx)?, n, or_terms).await }.await,
                200,
            )
        })
        .get_async("/queries/posts-slug-first", |req, ctx| async move {
            let (skip_email, skip_title) =
                (query_str(&req, "skip_email"), query_str(&req, "skip_title"));
            let first = query_str(&req, "first");
            let limit = Some(query_u64(&req, "limit", 0)).filter(|&n| n > 0);
            respond(
                async {
                    api::posts_slug_first(db(&ctx)?, &skip_email, &skip_title, &first, limit).await
                }
                .await,
                200,
            )
        })
        .post_async("/debug/dependent-batch", |mut req, ctx| async move {
            let prefix = query_str(&req, "prefix");
            let r = async {
                let plan: Vec<api::PlanItem> = json_body(&mut req).await?;
                api::dependent_batch(db(&ctx)?, &prefix, &plan).await
            }
            .await;
            respond(r, 200)
        })
        .get_async("/debug/cost/:case", |req, ctx| async move {
            let case = ctx.param("case").cloned().unwrap_or_default();
            let user = query_u64(&req, "user", 1) as i64;
            let r = async {
                api::cost(db(&ctx)?, &case, user, "cost-d1")
                    .await?
                    .ok_or(ApiError {
                        status: 404,
                        message: format!("no cost case {case}"),
                    })
            }
            .await;
            respond(r, 200)
        })
        .get_async("/debug/verify-migrations", |_, ctx| async move {
            // The check `fetch` runs once per isolate, run again on every request.
            respond(
                async {
                    let db = db(&ctx)?;
                    db.verify_migrations(schema::MIGRATIONS).await?;
                    Ok(schema::MIGRATIONS.len())
                }
                .await,
                200,
            )
        })
        .get("/debug/missing-binding", |_, ctx| {
            // What a Worker sees when its code names a binding wrangler does not provide.
            let message = match D1Executor::from_env(&ctx.env, "NOT_BOUND") {
                Ok(_) => "bound".to_owned(),
                Err(e) => e.to_string(),
            };
            Response::ok(message)
        })
}
