//! Every mizzle snippet of "Drizzle query patterns in mizzle" in
//! docs/coming-from-drizzle.md, compiled and run here on native SQLite. The last test
//! fails if a snippet in the doc is not found in this file, so the two cannot drift.

use mizzle::{Db, assign, count_all, exists};
use mizzle_example::schema::*;

#[path = "support/record.rs"]
mod record;
use record::Recorder;

type R<T> = mizzle::Result<T>;

/// SQLite, every statement recorded: the run's statements are golden
/// (crates/mizzle/tests/sql/drizzle_patterns.sql).
fn db() -> Db<Recorder> {
    Db::new(Recorder::open(MIGRATIONS))
}

// --- CRUD
async fn crud(db: &Db<Recorder>) -> R<()> {
    // db.insert(users).values({ email, name }).returning()
    let ann = db
        .insert(users::table)
        .values(NewUser::new("ann@x.io", "Ann"))
        .returning()
        .one()
        .await?;
    // db.select().from(users).where(eq(users.id, ann.id))
    let found: Option<User> = db
        .select(users::table)
        .filter(users::id.eq(ann.id))
        .get()
        .await?;
    // db.update(users).set({ name: "Ann B" }).where(eq(users.id, ann.id))
    db.update(users::table)
        .set(UserPatch::new().name("Ann B"))
        .filter(users::id.eq(ann.id))
        .run()
        .await?;
    // db.delete(users).where(eq(users.id, ann.id)).returning()
    let gone: Vec<User> = db
        .delete(users::table)
        .filter(users::id.eq(ann.id))
        .returning()
        .all()
        .await?;
    assert!(found.is_some() && gone.len() == 1);
    Ok(())
}

// --- with (relational queries)
async fn with_relations(db: &Db<Recorder>) -> R<()> {
    // db.query.users.findMany({ with: { posts: { where: eq(posts.published, true), limit: 5 } } })
    let users = db
        .select(users::table)
        .with(users::posts.filter(posts::published.eq(true)).limit(5))
        .all()
        .await?;
    for u in &users {
        let _posts = u.get(users::posts);
    }
    Ok(())
}

// --- manual left join
async fn manual_left_join(db: &Db<Recorder>) -> R<()> {
    // db.select({ user: users, post: posts }).from(users).leftJoin(posts, eq(posts.authorId, users.id))
    let rows: Vec<(User, Option<Post>)> = db
        .select(users::table)
        .left_join(posts::table, posts::author_id.eq_col(users::id))
        .all()
        .await?;
    let _ = rows;
    Ok(())
}

// --- partial select
async fn partial_select(db: &Db<Recorder>) -> R<()> {
    // db.select({ id: users.id, name: users.name }).from(users)
    let rows: Vec<(i64, String)> = db
        .select(users::table)
        .columns((users::id, users::name))
        .all()
        .await?;
    let _ = rows;
    Ok(())
}

// --- count and groupBy
async fn count_group_by(db: &Db<Recorder>) -> R<()> {
    // db.select({ authorId: posts.authorId, n: count() }).from(posts).groupBy(posts.authorId).having(gt(count(), 1))
    let rows: Vec<(i64, i64)> = db
        .select(posts::table)
        .columns((posts::author_id, count_all()))
        .group_by(posts::author_id)
        .having(count_all().gt(1))
        .all()
        .await?;
    // db.select({ count: count() }).from(users)
    let n: i64 = db.select(users::table).count().await?;
    let _ = (rows, n);
    Ok(())
}

// --- inArray, with a list and with a subquery
async fn in_array(db: &Db<Recorder>) -> R<()> {
    // db.select().from(users).where(inArray(users.id, [1, 2, 3]))
    let listed = db
        .select(users::table)
        .filter(users::id.in_list([1, 2, 3]))
        .all()
        .await?;
    // db.select().from(users).where(inArray(users.id, db.select({ id: posts.authorId }).from(posts)))
    let authors = db.select(posts::table).columns(posts::author_id);
    let writers = db
        .select(users::table)
        .filter(users::id.in_select(&authors))
        .all()
        .await?;
    let _ = (listed, writers);
    Ok(())
}

// --- exists
async fn exists_patterns(db: &Db<Recorder>) -> R<()> {
    // db.select().from(users).where(exists(db.select().from(posts).where(and(eq(posts.authorId, users.id), eq(posts.published, true)))))
    let with_published = db
        .select(users::table)
        .filter(users::posts.any(posts::published.eq(true)))
        .all()
        .await?;
    // an uncorrelated exists
    let any_tag = db
        .select(users::table)
        .filter(exists(db.select(tags::table)))
        .all()
        .await?;
    let _ = (with_published, any_tag);
    Ok(())
}

// --- sql increments
async fn increments(db: &Db<Recorder>) -> R<()> {
    // db.update(posts).set({ views: sql`${posts.views} + 1` }).where(eq(posts.id, 1))
    db.update(posts::table)
        .set_expr(assign(posts::views, posts::views.add(1)))
        .filter(posts::id.eq(1))
        .run()
        .await?;
    Ok(())
}

// --- upsert with excluded
async fn upsert_excluded(db: &Db<Recorder>) -> R<()> {
    // db.insert(users).values(row).onConflictDoUpdate({ target: users.email, set: { name: sql`excluded.name` } })
    db.insert(users::table)
        .values(NewUser::new("ann@x.io", "Ann"))
        .on_conflict(users::email)
        .do_update_set([assign(users::name, users::name.excluded())])
        .run()
        .await?;
    Ok(())
}

// --- a post and its tags in one batch
async fn dependent_batch(db: &Db<Recorder>) -> R<()> {
    // Drizzle has no typed way: `db.batch([insert post, raw SQL with a subquery on the slug])`
    let author = 2; // a users.id
    db.batch((
        db.insert(posts::table)
            .values(NewPost::new(author, "Hello", "hello")),
        db.insert(post_tags::table)
            .values_many([NewPostTag::new(0, 1), NewPostTag::new(0, 2)])
            .set_from_last_insert(post_tags::post_id, posts::id),
    ))
    .await?;
    Ok(())
}

// --- a post with its comment count
async fn scalar_subquery(db: &Db<Recorder>) -> R<()> {
    // db.select({ id: posts.id, comments: db.$count(comments, eq(comments.postId, posts.id)) }).from(posts)
    let rows: Vec<(i64, i64)> = db
        .select(posts::table)
        .columns((posts::id, posts::comments.count()))
        .all()
        .await?;
    let _ = rows;
    Ok(())
}

#[tokio::test]
async fn every_pattern_runs() {
    let db = db();
    crud(&db).await.unwrap();
    db.insert(users::table)
        .values(NewUser::new("bob@x.io", "Bob"))
        .run()
        .await
        .unwrap();
    db.insert(tags::table)
        .values_many([NewTag::new("a"), NewTag::new("b")])
        .run()
        .await
        .unwrap();
    with_relations(&db).await.unwrap();
    manual_left_join(&db).await.unwrap();
    partial_select(&db).await.unwrap();
    count_group_by(&db).await.unwrap();
    in_array(&db).await.unwrap();
    exists_patterns(&db).await.unwrap();
    dependent_batch(&db).await.unwrap();
    increments(&db).await.unwrap();
    upsert_excluded(&db).await.unwrap();
    scalar_subquery(&db).await.unwrap();
    let views: Vec<i64> = db
        .select(posts::table)
        .columns(posts::views)
        .all()
        .await
        .unwrap();
    assert_eq!(views, [1]);
    // Every statement the patterns ran, SQL and parameters, as rendered.
    record::golden("drizzle_patterns.sql", &db.executor().rendered());
}

/// Each ```rust block of the doc's pattern section appears in this file (whitespace aside).
#[test]
fn the_doc_shows_exactly_this_code() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/coming-from-drizzle.md")).unwrap();
    let me = std::fs::read_to_string(root.join("tests/drizzle_patterns.rs")).unwrap();
    let squash = |s: &str| s.split_whitespace().collect::<String>();
    let me = squash(&me);
    let section = doc
        .split("## Drizzle query patterns in mizzle")
        .nth(1)
        .expect("the doc has the pattern section");
    let blocks: Vec<&str> = section
        .split("```rust")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .collect();
    assert!(blocks.len() >= 10, "{} blocks", blocks.len());
    for b in blocks {
        assert!(
            me.contains(&squash(b)),
            "not in tests/drizzle_patterns.rs:\n{b}"
        );
    }
}
