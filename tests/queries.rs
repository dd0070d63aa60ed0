//! Queries across tables on native SQLite (D1's limits): joins with typed tuple rows,
//! projections, aggregates, subqueries and exists, expressions in updates and upserts,
//! typed fragments. tests/d1_e2e.rs drives the same through the Worker on local D1.

use mizzle::{
    Db, assign, avg, count, count_all, count_distinct, exists, fragment, greatest, max, min,
    not_exists, sum,
};
use mizzle_example::schema::*;

#[path = "support/record.rs"]
mod record;
use record::Recorder;

mizzle::alias!(Parent = comments::Table as "parent");
mizzle::alias!(Replier = users::Table as "replier");

/// SQLite, every statement recorded: each test's statements are golden
/// (crates/mizzle/tests/sql/queries/<test>.sql).
fn db() -> Db<Recorder> {
    Db::new(Recorder::for_test("queries", MIGRATIONS))
}

/// ann (2 posts: one published with 2 comments, one draft), bob (1 published post, no
/// comments), cid (no posts). Tags: rust on post 1 and 3, d1 on post 1.
async fn seed(db: &Db<Recorder>) {
    for (email, name) in [
        ("ann@x.io", "Ann"),
        ("bob@x.io", "Bob"),
        ("cid@x.io", "Cid"),
    ] {
        db.insert(users::table)
            .values(NewUser::new(email, name))
            .run()
            .await
            .unwrap();
    }
    for (author, slug, published, rating) in [
        (1, "a1", true, 4.0),
        (1, "a2", false, 2.0),
        (2, "b1", true, 5.0),
    ] {
        db.insert(posts::table)
            .values(
                NewPost::new(author, format!("Title {slug}"), slug)
                    .published(published)
                    .rating(rating),
            )
            .run()
            .await
            .unwrap();
    }
    db.insert(comments::table)
        .values(NewComment::new(1, "first").author_id(2))
        .run()
        .await
        .unwrap();
    db.insert(comments::table)
        .values(NewComment::new(1, "reply").author_id(1).parent_id(1))
        .run()
        .await
        .unwrap();
    db.insert(tags::table)
        .values_many([NewTag::new("rust"), NewTag::new("d1")])
        .run()
        .await
        .unwrap();
    db.insert(post_tags::table)
        .values_many([
            NewPostTag::new(1, 1),
            NewPostTag::new(3, 1),
            NewPostTag::new(1, 2),
        ])
        .run()
        .await
        .unwrap();
}

#[tokio::test]
async fn inner_and_left_joins_give_typed_tuples() {
    let db = db();
    seed(&db).await;
    // Inner: (User, Post) per matching pair.
    let rows: Vec<(User, Post)> = db
        .select(users::table)
        .inner_join(posts::table, posts::author_id.eq_col(users::id))
        .filter(posts::published.eq(true))
        .order_by(posts::id)
        .all()
        .await
        .unwrap();
    let pairs: Vec<(&str, &str)> = rows
        .iter()
        .map(|(u, p)| (u.name.as_str(), p.slug.as_str()))
        .collect();
    assert_eq!(pairs, [("Ann", "a1"), ("Bob", "b1")]);
    // Left: (User, Option<Post>); cid has none: None, not a post of defaults.
    let rows: Vec<(User, Option<Post>)> = db
        .select(users::table)
        .left_join(posts::table, posts::author_id.eq_col(users::id))
        .order_by(users::id)
        .order_by(posts::id)
        .all()
        .await
        .unwrap();
    let shape: Vec<(&str, Option<&str>)> = rows
        .iter()
        .map(|(u, p)| (u.name.as_str(), p.as_ref().map(|p| p.slug.as_str())))
        .collect();
    assert_eq!(
        shape,
        [
            ("Ann", Some("a1")),
            ("Ann", Some("a2")),
            ("Bob", Some("b1")),
            ("Cid", None)
        ]
    );
    // A filter on the left-joined table's NULL: users without posts.
    let lonely: Vec<(User, Option<Post>)> = db
        .select(users::table)
        .left_join(posts::table, posts::author_id.eq_col(users::id))
        .filter(posts::id.is_null())
        .all()
        .await
        .unwrap();
    assert_eq!(lonely.len(), 1);
    assert_eq!(lonely[0].0.name, "Cid");
}

#[tokio::test]
async fn chains_of_joins_and_relation_shorthand() {
    let db = db();
    seed(&db).await;
    // Three tables: comment, its post, the post's author; filters on any of them.
    let rows: Vec<(Comment, Post, User)> = db
        .select(comments::table)
        .inner_join(posts::table, posts::id.eq_col(comments::post_id))
        .inner_join(users::table, users::id.eq_col(posts::author_id))
        .filter(users::name.eq("Ann") & posts::published.eq(true))
        .order_by(comments::id)
        .all()
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert!(
        rows.iter()
            .all(|(c, p, u)| c.post_id == p.id && p.author_id == u.id)
    );
    // Four: with a left join at the end (a comment's author may be NULL).
    let rows: Vec<(Comment, Post, User, Option<User>)> = db
        .select(comments::table)
        .inner_join(posts::table, posts::id.eq_col(comments::post_id))
        .inner_join(users::table, users::id.eq_col(posts::author_id))
        .left_join(Replier, users::id.of(Replier).eq_col(comments::author_id))
        .all()
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.3.is_some()));
    // Through a declared relation, one-to-many and many-to-many.
    let rows: Vec<(User, Post)> = db
        .select(users::table)
        .join_rel(users::posts)
        .filter(posts::published.eq(true))
        .order_by(posts::id)
        .all()
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    let tagged: Vec<(Post, Tag)> = db
        .select(posts::table)
        .join_rel(posts::tags)
        .filter(tags::name.eq("rust"))
        .order_by(posts::id)
        .all()
        .await
        .unwrap();
    let slugs: Vec<&str> = tagged.iter().map(|(p, _)| p.slug.as_str()).collect();
    assert_eq!(slugs, ["a1", "b1"]);
    let counted: Vec<(User, Option<Post>)> = db
        .select(users::table)
        .left_join_rel(users::posts)
        .all()
        .await
        .unwrap();
    assert_eq!(counted.len(), 4);
}

#[tokio::test]
async fn a_self_join_through_an_alias() {
    let db = db();
    seed(&db).await;
    let rows: Vec<(Comment, Option<Comment>)> = db
        .select(comments::table)
        .left_join(Parent, comments::parent_id.eq_col(comments::id.of(Parent)))
        .order_by(comments::id)
        .all()
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows[0].1.is_none(), "the first comment has no parent");
    assert_eq!(rows[1].1.as_ref().map(|p| p.body.as_str()), Some("first"));
    // Filter on the alias's column.
    let replies: Vec<(Comment, Comment)> = db
        .select(comments::table)
        .inner_join(Parent, comments::id.of(Parent).eq_col(comments::parent_id))
        .filter(comments::body.of(Parent).eq("first"))
        .all()
        .await
        .unwrap();
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0].0.body, "reply");
}

#[tokio::test]
async fn projections_are_typed_tuples_or_your_struct() {
    let db = db();
    seed(&db).await;
    let rows: Vec<(i64, String)> = db
        .select(users::table)
        .columns((users::id, users::name))
        .order_by(users::id)
        .all()
        .await
        .unwrap();
    assert_eq!(rows[0], (1, "Ann".to_owned()));
    let one: String = db
        .select(users::table)
        .filter(users::id.eq(2))
        .columns(users::email)
        .one()
        .await
        .unwrap();
    assert_eq!(one, "bob@x.io");
    // With joins: a column of each, a nullable one from a left join.
    let rows: Vec<(String, Option<String>)> = db
        .select(users::table)
        .left_join(posts::table, posts::author_id.eq_col(users::id))
        .columns((users::name, posts::slug.nullable()))
        .order_by(users::id)
        .order_by(posts::id)
        .all()
        .await
        .unwrap();
    assert_eq!(rows.last().unwrap(), &("Cid".to_owned(), None));
    // A whole row next to an aggregate.
    let rows: Vec<(User, i64)> = db
        .select(users::table)
        .left_join(posts::table, posts::author_id.eq_col(users::id))
        .columns((users::table, count(posts::id)))
        .group_by(users::id)
        .order_by(users::id)
        .all()
        .await
        .unwrap();
    let counts: Vec<(&str, i64)> = rows.iter().map(|(u, n)| (u.name.as_str(), *n)).collect();
    assert_eq!(counts, [("Ann", 2), ("Bob", 1), ("Cid", 0)]);
    // Into a struct of the user's own, by column name.
    #[derive(Debug, PartialEq)]
    struct Card {
        name: String,
        posts: i64,
    }
    impl mizzle::FromRow for Card {
        fn from_row(row: mizzle::Row) -> mizzle::Result<Self> {
            let mut r = row.reader();
            Ok(Card {
                name: r.read::<mizzle::sql::Text>("name")?,
                posts: r.read::<mizzle::sql::Integer>("posts")?,
            })
        }
    }
    let cards: Vec<Card> = db
        .select(users::table)
        .left_join(posts::table, posts::author_id.eq_col(users::id))
        .columns((users::name, count(posts::id).named("posts")))
        .group_by(users::id)
        .order_by(users::id)
        .all_as()
        .await
        .unwrap();
    assert_eq!(
        cards[0],
        Card {
            name: "Ann".into(),
            posts: 2
        }
    );
}

#[tokio::test]
async fn aggregates_group_by_having_and_distinct() {
    let db = db();
    seed(&db).await;
    // Types tell the truth: count is i64, sum of an integer Option<i64>, avg Option<f64>.
    let (n, total, mean, low, high, authors): (
        i64,
        Option<i64>,
        Option<f64>,
        Option<f64>,
        Option<f64>,
        i64,
    ) = db
        .select(posts::table)
        .columns((
            count_all(),
            sum(posts::views),
            avg(posts::rating),
            min(posts::rating),
            max(posts::rating),
            count_distinct(posts::author_id),
        ))
        .one()
        .await
        .unwrap();
    assert_eq!(
        (n, total, mean, low, high, authors),
        (3, Some(0), Some(11.0 / 3.0), Some(2.0), Some(5.0), 2)
    );
    // Over no rows: count 0, the others None.
    let empty: (i64, Option<i64>, Option<f64>, Option<f64>) = db
        .select(posts::table)
        .filter(posts::id.gt(100))
        .columns((
            count_all(),
            sum(posts::views),
            avg(posts::rating),
            max(posts::rating),
        ))
        .one()
        .await
        .unwrap();
    assert_eq!(empty, (0, None, None, None));
    // Grouped, with HAVING on the aggregate, ordered by it.
    let prolific: Vec<(i64, i64)> = db
        .select(posts::table)
        .columns((posts::author_id, count_all()))
        .group_by(posts::author_id)
        .having(count_all().gt(1))
        .all()
        .await
        .unwrap();
    assert_eq!(prolific, [(1, 2)]);
    let ordered: Vec<(i64, i64)> = db
        .select(posts::table)
        .columns((posts::author_id, count_all()))
        .group_by(posts::author_id)
        .order_by(count_all().desc())
        .all()
        .await
        .unwrap();
    assert_eq!(ordered[0], (1, 2));
    // Empty groups: none.
    let none: Vec<(i64, i64)> = db
        .select(posts::table)
        .filter(posts::id.gt(100))
        .columns((posts::author_id, count_all()))
        .group_by(posts::author_id)
        .all()
        .await
        .unwrap();
    assert!(none.is_empty());
    let statuses: Vec<PostStatus> = db
        .select(posts::table)
        .columns(posts::status)
        .distinct()
        .all()
        .await
        .unwrap();
    assert_eq!(statuses, [PostStatus::Draft]);
}

#[tokio::test]
async fn subqueries_exists_and_relation_filters() {
    let db = db();
    seed(&db).await;
    let names = |users: Vec<User>| users.into_iter().map(|u| u.name).collect::<Vec<_>>();
    // IN (SELECT …).
    let published_authors = db
        .select(posts::table)
        .filter(posts::published.eq(true))
        .columns(posts::author_id);
    let authors = db
        .select(users::table)
        .filter(users::id.in_select(&published_authors))
        .order_by(users::id)
        .all()
        .await
        .unwrap();
    assert_eq!(names(authors), ["Ann", "Bob"]);
    let others = db
        .select(users::table)
        .filter(users::id.not_in_select(&published_authors))
        .all()
        .await
        .unwrap();
    assert_eq!(names(others), ["Cid"]);
    // Through a relation: users with at least one published post, and with none.
    let with = db
        .select(users::table)
        .filter(users::posts.any(posts::published.eq(false)))
        .all()
        .await
        .unwrap();
    assert_eq!(names(with), ["Ann"]);
    let without = db
        .select(users::table)
        .filter(users::posts.none(posts::published.eq(true)))
        .all()
        .await
        .unwrap();
    assert_eq!(names(without), ["Cid"]);
    // Many-to-many and self relations.
    let rusty = db
        .select(posts::table)
        .filter(posts::tags.any(tags::name.eq("rust")))
        .columns(posts::slug)
        .all()
        .await
        .unwrap();
    assert_eq!(rusty, ["a1", "b1"]);
    let answered = db
        .select(comments::table)
        .filter(comments::replies.exists_any())
        .columns(comments::body)
        .all()
        .await
        .unwrap();
    assert_eq!(answered, ["first"]);
    // EXISTS of an uncorrelated query, combined with a column condition.
    let any_tags = db
        .select(users::table)
        .filter(exists(db.select(tags::table).filter(tags::name.eq("d1"))) & users::id.eq(1))
        .all()
        .await
        .unwrap();
    assert_eq!(names(any_tags), ["Ann"]);
    let no_tags = db
        .select(users::table)
        .filter(not_exists(
            db.select(tags::table).filter(tags::name.eq("nope")),
        ))
        .count()
        .await
        .unwrap();
    assert_eq!(no_tags, 3);
    // A scalar subquery in a projection: each post with its comment count.
    let counts: Vec<(String, i64)> = db
        .select(posts::table)
        .columns((posts::slug, posts::comments.count()))
        .order_by(posts::id)
        .all()
        .await
        .unwrap();
    assert_eq!(counts[0], ("a1".into(), 2));
    assert_eq!(counts[2], ("b1".into(), 0));
}

#[tokio::test]
async fn expressions_in_updates_and_upserts() {
    let db = db();
    seed(&db).await;
    // views = views + 1, twice.
    for _ in 0..2 {
        db.update(posts::table)
            .set_expr(assign(posts::views, posts::views.add(1)))
            .filter(posts::id.eq(1))
            .run()
            .await
            .unwrap();
    }
    let p: Post = db
        .select(posts::table)
        .filter(posts::id.eq(1))
        .get()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.views, 2);
    // A patch and an expression together; score = max(score, ?).
    let p = db
        .update(posts::table)
        .set(PostPatch::new().title("Retitled"))
        .set_expr(assign(posts::rating, greatest(posts::rating, 4.5)))
        .filter(posts::id.eq(1))
        .returning()
        .one()
        .await
        .unwrap();
    assert_eq!((p.title.as_str(), p.rating), ("Retitled", 4.5));
    // updated_at = the database's clock.
    db.update(posts::table)
        .set_expr(assign(posts::updated_at, mizzle::now()))
        .filter(posts::id.eq(2))
        .run()
        .await
        .unwrap();
    // Upsert using the incoming row: excluded.name.
    db.insert(users::table)
        .values(NewUser::new("ann@x.io", "Ann Again"))
        .on_conflict(users::email)
        .do_update_set([assign(users::name, users::name.excluded())])
        .run()
        .await
        .unwrap();
    let ann: User = db
        .select(users::table)
        .filter(users::id.eq(1))
        .get()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ann.name, "Ann Again");
    // A counter upsert: insert 1 or add 1.
    for _ in 0..3 {
        db.insert(post_tags::table)
            .values(NewPostTag::new(2, 2))
            .on_conflict((post_tags::post_id, post_tags::tag_id))
            .do_nothing()
            .run()
            .await
            .unwrap();
    }
    let n = db
        .select(post_tags::table)
        .filter(post_tags::post_id.eq(2))
        .count()
        .await
        .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn typed_fragments_as_condition_projection_and_order() {
    let db = db();
    seed(&db).await;
    let score = fragment::<mizzle::sql::Real>("\"rating\" * ? + \"views\"", mizzle::params![2.0]);
    let rows: Vec<(String, f64)> = db
        .select(posts::table)
        .columns((posts::slug, score.clone()))
        .filter(score.clone().gt(5.0))
        .order_by(score.desc())
        .all()
        .await
        .unwrap();
    assert_eq!(rows, [("b1".to_owned(), 10.0), ("a1".to_owned(), 8.0)]);
}

#[tokio::test]
async fn long_lists_in_joins_and_subqueries_stay_within_limits() {
    let db = db();
    seed(&db).await;
    let ids: Vec<i64> = (1..=5000).collect();
    let rows: Vec<(User, Post)> = db
        .select(users::table)
        .inner_join(posts::table, posts::author_id.eq_col(users::id))
        .filter(posts::id.in_list(ids.clone()) & users::id.in_list(ids.clone()))
        .all()
        .await
        .unwrap();
    assert_eq!(rows.len(), 3);
    let sub = db
        .select(posts::table)
        .filter(posts::id.in_list(ids))
        .columns(posts::author_id);
    let n = db
        .select(users::table)
        .filter(users::id.in_select(&sub))
        .count()
        .await
        .unwrap();
    assert_eq!(n, 2);
    // Over the limit: refused before sending, naming it.
    let many: Vec<mizzle::Condition<users::Table>> =
        (0..101).map(|i| users::name.ne(format!("n{i}"))).collect();
    let err = db
        .select(users::table)
        .inner_join(posts::table, posts::author_id.eq_col(users::id))
        .filter(mizzle::and(many))
        .all()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("the limit is 100"), "{err}");
}

#[test]
fn the_sql_reads_like_hand_written_sql() {
    let db = db();
    let q = db
        .select(users::table)
        .left_join(posts::table, posts::author_id.eq_col(users::id))
        .filter(posts::published.eq(true) | posts::id.is_null())
        .order_by(users::id)
        .limit(5);
    let sql = q.to_statement().sql;
    assert!(
        sql.starts_with("SELECT \"users\".\"id\" AS \"c0\", \"users\".\"email\" AS \"c1\""),
        "{sql}"
    );
    assert!(
        sql.ends_with(" FROM \"users\" LEFT JOIN \"posts\" ON \"posts\".\"author_id\" = \"users\".\"id\" WHERE \"posts\".\"published\" = 1 OR \"posts\".\"id\" IS NULL ORDER BY \"users\".\"id\" LIMIT 5"),
        "{sql}"
    );
    let p = db
        .select(posts::table)
        .columns((posts::author_id, count_all()))
        .group_by(posts::author_id)
        .having(count_all().gt(1));
    assert_eq!(
        p.to_statement().sql,
        "SELECT \"posts\".\"author_id\" AS \"c0\", count(*) AS \"c1\" FROM \"posts\" GROUP BY \"posts\".\"author_id\" HAVING count(*) > ?"
    );
    let any = db
        .select(users::table)
        .filter(users::posts.any(posts::published.eq(true)));
    assert_eq!(
        any.to_statement().sql,
        "SELECT \"users\".\"id\", \"users\".\"email\", \"users\".\"name\", \"users\".\"bio\", \"users\".\"avatar\", \"users\".\"role\", \"users\".\"created_at\" FROM \"users\" WHERE EXISTS (SELECT 1 FROM \"posts\" AS \"__c\" WHERE \"__c\".\"author_id\" = \"users\".\"id\" AND (\"__c\".\"published\" = 1))"
    );
    // An integer column's expression is guarded to ±(2^53 − 1), evaluated once (see
    // `mizzle::assign`).
    let upd = db
        .update(posts::table)
        .set_expr(assign(posts::views, posts::views.add(1)))
        .filter(posts::id.eq(1));
    assert_eq!(
        upd.to_statements().unwrap()[0].sql,
        "UPDATE \"posts\" SET \"views\" = (SELECT CASE WHEN \"__v\" IS NULL OR abs(\"__v\") <= 9007199254740991 THEN \"__v\" ELSE abs(-9223372036854775807 - 1) END FROM (SELECT (\"posts\".\"views\" + ?) AS \"__v\")) WHERE \"posts\".\"id\" = ?"
    );
    // An expression replaces what the patch set for its column; the patch's values come
    // first, in column order (`on_update_fn` columns among them), then the expressions.
    let upd = db
        .update(posts::table)
        .set(PostPatch::new().title("t").views(3))
        .set_expr(assign(posts::views, posts::views.add(1)))
        .filter(posts::id.eq(1));
    let stmt = &upd.to_statements().unwrap()[0];
    assert_eq!(
        stmt.sql,
        "UPDATE \"posts\" SET \"title\" = ?, \"updated_at\" = ?, \"views\" = (SELECT CASE WHEN \"__v\" IS NULL OR abs(\"__v\") <= 9007199254740991 THEN \"__v\" ELSE abs(-9223372036854775807 - 1) END FROM (SELECT (\"posts\".\"views\" + ?) AS \"__v\")) WHERE \"posts\".\"id\" = ?"
    );
    assert_eq!(stmt.params.len(), 4);
    assert_eq!(stmt.params[0], mizzle::Value::Text("t".into()));
    assert_eq!(stmt.params[2], mizzle::Value::Integer(1));
}

#[tokio::test]
async fn a_post_and_its_tags_in_one_batch_naming_the_new_id() {
    let db = db();
    seed(&db).await;
    let counted = mizzle::Counted::new(db.executor());
    let cdb = Db::new(&counted);
    let (post, links) = cdb
        .batch((
            cdb.insert(posts::table)
                .values(NewPost::new(2, "Tagged", "tagged"))
                .returning(),
            cdb.insert(post_tags::table)
                .values_many([NewPostTag::new(0, 1), NewPostTag::new(0, 2)])
                .set_from_last_insert(post_tags::post_id, posts::id),
        ))
        .await
        .unwrap();
    assert_eq!(counted.round_trips(), 1);
    assert_eq!(links.rows_affected, 2);
    let tags: Vec<i64> = db
        .select(post_tags::table)
        .filter(post_tags::post_id.eq(post[0].id))
        .columns(post_tags::tag_id)
        .all()
        .await
        .unwrap();
    assert_eq!(tags, [1, 2]);
    // A child that fails (no tag 99): the parent is rolled back with it.
    let before = db.select(posts::table).count().await.unwrap();
    let err = db
        .batch((
            db.insert(posts::table)
                .values(NewPost::new(2, "Doomed", "doomed")),
            db.insert(post_tags::table)
                .values_many([NewPostTag::new(0, 1), NewPostTag::new(0, 99)])
                .set_from_last_insert(post_tags::post_id, posts::id),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.batch_index(), Some(1), "{err}");
    assert_eq!(db.select(posts::table).count().await.unwrap(), before);
}

/// The example Worker's cross-table handlers, natively (tests/d1_e2e.rs drives them over
/// HTTP on local D1).
#[tokio::test]
async fn the_workers_cross_table_handlers() {
    use mizzle_example::api;
    let db = db();
    seed(&db).await;
    let rows = api::users_with_posts(&db, "").await.unwrap();
    assert_eq!(rows.len(), 4);
    assert!(rows[3].post.is_none());
    assert_eq!(
        api::post_titles(&db, 1).await.unwrap(),
        [(1, "Title a1".to_owned()), (2, "Title a2".to_owned())]
    );
    api::view_post(&db, 1).await.unwrap();
    assert_eq!(api::view_post(&db, 1).await.unwrap(), 2);
    let stats = api::author_stats(&db, "").await.unwrap();
    assert_eq!(
        stats,
        [
            ("Ann".to_owned(), 2, 1, Some(2)),
            ("Bob".to_owned(), 1, 1, Some(0)),
            ("Cid".to_owned(), 0, 0, None)
        ]
    );
    assert_eq!(
        api::users_with_published(&db, "").await.unwrap(),
        ["ann@x.io", "bob@x.io"]
    );
    let post = api::create_post_with_tag_ids(&db, NewPost::new(3, "New", "new"), vec![1, 2])
        .await
        .unwrap();
    let n = db
        .select(post_tags::table)
        .filter(post_tags::post_id.eq(post.id))
        .count()
        .await
        .unwrap();
    assert_eq!(n, 2);
    let err = api::create_post_with_tag_ids(&db, NewPost::new(3, "Bad", "bad"), vec![1, 99])
        .await
        .unwrap_err();
    assert_eq!(err.status, 422, "{err:?}");
    assert_eq!(
        db.select(posts::table)
            .filter(posts::slug.eq("bad"))
            .count()
            .await
            .unwrap(),
        0
    );
}

/// Related rows are moved into their parent, not cloned, when one parent wants them; a row
/// several parents share (the same author of two comments, a tag on two posts, and that
/// tag's own relations) is still given to every one of them.
#[tokio::test]
async fn shared_related_rows_reach_every_parent() {
    let db = db();
    seed(&db).await;
    db.insert(comments::table)
        .values(NewComment::new(3, "third").author_id(2))
        .run()
        .await
        .unwrap();
    let posts = db
        .select(posts::table)
        .order_by(posts::id)
        .with(posts::tags.with(tags::posts))
        .with(posts::comments.with(comments::author))
        .all()
        .await
        .unwrap();
    // Tag `rust` is on posts 1 and 3; both see it, each with both of its posts.
    let rust_on = |p: usize| {
        posts[p]
            .get(posts::tags)
            .iter()
            .find(|t| t.name == "rust")
            .map(|t| t.get(tags::posts).len())
    };
    assert_eq!(rust_on(0), Some(2));
    assert_eq!(rust_on(2), Some(2));
    // Bob wrote comments on posts 1 and 3: each comment has him.
    let authors: Vec<Option<String>> = posts
        .iter()
        .flat_map(|p| p.get(posts::comments).iter())
        .map(|c| c.get(comments::author).as_ref().map(|a| a.name.clone()))
        .collect();
    assert_eq!(
        authors,
        [Some("Bob".into()), Some("Ann".into()), Some("Bob".into())]
    );
}

#[tokio::test]
async fn a_value_that_does_not_decode_names_its_table_column_and_statement() {
    let db = db();
    seed(&db).await;
    db.raw("UPDATE posts SET views = 'many' WHERE slug = 'b1'", [])
        .run()
        .await
        .unwrap();
    let message = |e: mizzle::Error| match &e {
        mizzle::Error::Decode { column, sql, .. } => (column.clone(), sql.clone(), e.to_string()),
        other => panic!("{other:?}"),
    };
    // A projection: the column, not the result name mizzle gave it ("c1").
    let (column, sql, text) = message(
        db.select(posts::table)
            .columns((posts::id, posts::views))
            .all()
            .await
            .unwrap_err(),
    );
    assert_eq!(column, "posts.views");
    assert!(
        sql.starts_with("SELECT \"posts\".\"id\" AS \"c0\""),
        "{sql}"
    );
    assert!(
        text.contains("column `posts.views`: expected an integer, found text \"many\"")
            && text.contains("(in `SELECT"),
        "{text}"
    );
    // An expression: its SQL.
    let (column, _, _) = message(
        db.select(posts::table)
            .columns((posts::id, mizzle::coalesce(posts::views, 0)))
            .all()
            .await
            .unwrap_err(),
    );
    assert_eq!(column, "coalesce(posts.views, ?)");
    // A table's row in a join.
    let (column, _, _) = message(
        db.select(users::table)
            .inner_join(posts::table, posts::author_id.eq_col(users::id))
            .all()
            .await
            .unwrap_err(),
    );
    assert_eq!(column, "posts.views");
}

#[tokio::test]
async fn an_integer_expression_beyond_2_pow_53_is_refused_by_the_database() {
    let db = db();
    seed(&db).await;
    let max = mizzle::MAX_SAFE_INTEGER;
    db.update(posts::table)
        .set(PostPatch::new().views(max - 1))
        .filter(posts::id.eq(1))
        .run()
        .await
        .unwrap();
    // Up to 2^53 − 1: written.
    assert_eq!(mizzle_example::api::view_post(&db, 1).await.unwrap(), max);
    // One more: refused by the database, nothing stored, the row still readable.
    let e = mizzle_example::api::view_post(&db, 1).await.unwrap_err();
    assert_eq!(e.status, 400, "{e:?}");
    assert!(e.message.contains("beyond ±(2^53 − 1)"), "{e:?}");
    let p: Post = db
        .select(posts::table)
        .filter(posts::id.eq(1))
        .get()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.views, max);
    // Any arithmetic that leaves the range.
    let e = db
        .update(posts::table)
        .set_expr(assign(posts::views, posts::views.mul(2)))
        .filter(posts::id.eq(1))
        .run()
        .await
        .unwrap_err();
    assert!(matches!(e, mizzle::Error::InvalidValue(_)), "{e:?}");
    // Back within range: written.
    let n = db
        .update(posts::table)
        .set_expr(assign(posts::views, posts::views.sub(1)))
        .filter(posts::id.eq(1))
        .run()
        .await
        .unwrap();
    assert_eq!(n.rows_affected, 1);
}

#[tokio::test]
async fn a_left_joined_tables_columns_are_options_by_type() {
    let db = db();
    seed(&db).await;
    // Cid has no post: every column of `posts` is None in his row, by the type.
    type Row = (String, Option<String>, Option<i64>, i64, Option<Post>);
    let rows: Vec<Row> = db
        .select(users::table)
        .left_join(posts::table, posts::author_id.eq_col(users::id))
        .columns((
            users::name,
            posts::slug,
            posts::views.add(1),
            mizzle::coalesce(posts::views, -1),
            posts::table,
        ))
        .filter(users::name.eq("Cid"))
        .all()
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let (name, slug, views, coalesced, post) = &rows[0];
    assert_eq!(
        (name.as_str(), slug, views, *coalesced, post),
        ("Cid", &None, &None, -1, &None)
    );
    // Aggregates keep their own types: count is never NULL, sum already an Option.
    let counts: Vec<(String, i64, Option<i64>)> = db
        .select(users::table)
        .left_join(posts::table, posts::author_id.eq_col(users::id))
        .columns((users::name, count(posts::id), sum(posts::views)))
        .group_by(users::name)
        .order_by(users::name)
        .all()
        .await
        .unwrap();
    assert_eq!(counts[2], ("Cid".to_owned(), 0, None));
    // An inner join's columns stay plain values.
    let inner: Vec<(String, String)> = db
        .select(users::table)
        .inner_join(posts::table, posts::author_id.eq_col(users::id))
        .columns((users::name, posts::slug))
        .order_by(posts::id)
        .all()
        .await
        .unwrap();
    assert_eq!(inner[0], ("Ann".to_owned(), "a1".to_owned()));
}

/// `RETURNING` chosen columns and expressions, on every write kind, decoded like a
/// projection; a write that touches no row returns none.
#[tokio::test]
async fn writes_return_the_columns_they_are_asked_for() {
    let db = db();
    seed(&db).await;
    let changed: Vec<(i64, f64)> = db
        .update(posts::table)
        .set(PostPatch::new().rating(3.5))
        .filter(posts::author_id.eq(1))
        .returning_columns((posts::id, posts::rating))
        .all()
        .await
        .unwrap();
    assert_eq!(changed, [(1, 3.5), (2, 3.5)]);
    let (id, slug, views): (i64, String, i64) = db
        .insert(posts::table)
        .values(NewPost::new(3, "Cid's", "c1"))
        .returning_columns((posts::id, posts::slug, posts::views.add(10)))
        .one()
        .await
        .unwrap();
    assert_eq!((id, slug.as_str(), views), (4, "c1", 10));
    let gone: Option<String> = db
        .delete(posts::table)
        .filter(posts::slug.eq("c1"))
        .returning_columns(posts::title)
        .get()
        .await
        .unwrap();
    assert_eq!(gone.as_deref(), Some("Cid's"));
    let none = db
        .delete(posts::table)
        .filter(posts::slug.eq("nope"))
        .returning_columns(posts::id)
        .get()
        .await
        .unwrap();
    assert_eq!(none, None);
    let err = db
        .update(posts::table)
        .set(PostPatch::new().rating(1.0))
        .filter(posts::slug.eq("nope"))
        .returning_columns(posts::id)
        .one()
        .await
        .unwrap_err();
    assert!(matches!(err, mizzle::Error::NotFound), "{err}");
}
