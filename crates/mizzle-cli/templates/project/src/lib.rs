//! {{name}}: a Worker on Cloudflare D1, written against the code mizzle generates from
//! `schema/`. `api` holds the handlers, generic over the executor, so the same code runs on
//! D1 in the Worker and on SQLite in `cargo test`.

pub mod schema {
    //! Generated from `schema/*.toml` by `build.rs` (see it with `cargo doc --open`).
    mizzle::include_schema!();
}

pub mod api {
    //! The handlers.
    use mizzle::{Db, Executor};

    use crate::schema::*;

    /// Creates a user.
    pub async fn create_user<E: Executor>(db: &Db<E>, new: NewUser) -> mizzle::Result<User> {
        db.insert(users::table).values(new).returning().one().await
    }

    /// Adds a task.
    pub async fn create_task<E: Executor>(db: &Db<E>, new: NewTask) -> mizzle::Result<Task> {
        db.insert(tasks::table).values(new).returning().one().await
    }

    /// A user with their open tasks, in one round trip.
    pub async fn user_with_tasks<E: Executor>(
        db: &Db<E>,
        id: i64,
    ) -> mizzle::Result<impl serde::Serialize + use<E>> {
        db.select(users::table)
            .filter(users::id.eq(id))
            .with(tasks_of_user())
            .get()
            .await?
            .ok_or(mizzle::Error::NotFound)
    }

    fn tasks_of_user() -> mizzle::Load<users::rel::Tasks> {
        users::tasks
            .filter(tasks::status.ne(TaskStatus::Done))
            .order_by(tasks::id)
    }
}

#[cfg(target_arch = "wasm32")]
mod worker_app {
    use worker::{Context, Env, Request, Response, Result, RouteContext, Router, event};

    use crate::{api, schema};

    /// A mizzle error as an HTTP response: 409 for a duplicate, 422 for a broken rule,
    /// 404, 400 for a value D1 would change, 503 for a database behind the code's
    /// migrations (the message names them and the command that applies them), 500 for the
    /// rest.
    fn fail(e: mizzle::Error) -> Result<Response> {
        Ok(Response::from_json(&serde_json::json!({ "error": e.to_string() }))?
            .with_status(e.http_status()))
    }

    fn reply<T: serde::Serialize>(r: mizzle::Result<T>, status: u16) -> Result<Response> {
        match r {
            Ok(v) => Ok(Response::from_json(&v)?.with_status(status)),
            Err(e) => fail(e),
        }
    }

    fn id(ctx: &RouteContext<()>) -> i64 {
        ctx.param("id").and_then(|s| s.parse().ok()).unwrap_or(0)
    }

    /// The request's JSON body read into `T` (an input struct: only the columns a client
    /// may set, any other field refused); malformed JSON or a refused field is the parser's
    /// message, for a 400.
    async fn body<T: serde::de::DeserializeOwned>(req: &mut Request) -> std::result::Result<T, String> {
        let text = req.text().await.map_err(|e| e.to_string())?;
        serde_json::from_str(&text).map_err(|e| format!("invalid JSON body: {e}"))
    }

    fn bad_request(message: String) -> Result<Response> {
        Ok(Response::from_json(&serde_json::json!({ "error": message }))?.with_status(400))
    }

    #[event(fetch)]
    async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
        Router::new()
            .post_async("/users", |mut req, ctx| async move {
                let db = match schema::d1_verified(&ctx.env).await {
                    Ok(db) => db,
                    Err(e) => return fail(e),
                };
                let new = match body::<schema::NewUserInput>(&mut req).await {
                    Ok(new) => new,
                    Err(message) => return bad_request(message),
                };
                reply(api::create_user(&db, new.into()).await, 201)
            })
            .post_async("/tasks", |mut req, ctx| async move {
                let db = match schema::d1_verified(&ctx.env).await {
                    Ok(db) => db,
                    Err(e) => return fail(e),
                };
                let new = match body::<schema::NewTaskInput>(&mut req).await {
                    Ok(new) => new,
                    Err(message) => return bad_request(message),
                };
                reply(api::create_task(&db, new.into()).await, 201)
            })
            .get_async("/users/:id", |_, ctx| async move {
                let db = match schema::d1_verified(&ctx.env).await {
                    Ok(db) => db,
                    Err(e) => return fail(e),
                };
                reply(api::user_with_tasks(&db, id(&ctx)).await, 200)
            })
            .run(req, env)
            .await
    }
}
