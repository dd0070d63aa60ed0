//! Relation loading on native SQLite: typed nested results, filters / order / limit per
//! level, and one round trip per tree (counted at the executor).

use mizzle::{Counted, Db};
use mizzle_example::schema::*;

#[path = "support/record.rs"]
mod record;
use record::Recorder;

/// Two authors; ann has 3 posts (with comments and tags), bob 1, cid none. Every statement
/// recorded: each test's are golden (crates/mizzle/tests/sql/relations/<test>.sql).
async fn seeded() -> Db<Counted<Recorder>> {
    let db = Db::new(Counted::new(Recorder::for_test("relations", MIGRATIONS)));
    let ann = db
        .insert(users::table)
        .values(NewUser::new("ann@x.io", "Ann"))
        .returning()
        .one()
        .await
        .unwrap();
    let bob = db
        .insert(users::table)
        .values(NewUser::new("bob@x.io", "Bob"))
        .returning()
        .one()
        .await
        .unwrap();
    db.insert(users::table)
        .values(NewUser::new("cid@x.io", "Cid"))
        .run()
        .await
        .unwrap();
    let rust = db
        .insert(tags::table)
        .values(NewTag::new("rust"))
        .returning()
        .one()
        .await
        .unwrap();
    let d1 = db
        .insert(tags::table)
        .values(NewTag::new("d1"))
        .returning()
        .one()
        .await
        .unwrap();
    for (i, author) in [ann.id, ann.id, ann.id, bob.id].into_iter().enumerate() {
        let p = db
            .insert(posts::table)
            .values(NewPost::new(author, format!("post {i}"), format!("p{i}")).published(i != 1))
            .returning()
            .one()
            .await
            .unwrap();
        for j in 0..i {
            let commenter = if j % 2 == 0 { bob.id } else { ann.id };
            db.insert(comments::table)
                .values(NewComment::new(p.id, format!("c{i}.{j}")).author_id(commenter))
                .run()
                .await
                .unwrap();
        }
        db.insert(post_tags::table)
            .values(NewPostTag::new(p.id, rust.id))
            .run()
            .await
            .unwrap();
        if i % 2 == 0 {
            db.insert(post_tags::table)
                .values(NewPostTag::new(p.id, d1.id))
                .run()
                .await
                .unwrap();
        }
    }
    db.executor().reset();
    db
}

#[tokio::test]
async fn a_three_level_tree_in_one_round_trip() {
    let db = seeded().await;
    let users = db
        .select(users::table)
        .order_by(users::id)
        .with(
            users::posts
                .order_by(posts::id)
                .with(
                    posts::comments
                        .order_by(comments::id)
                        .with(comments::author),
                )
                .with(posts::tags.order_by(tags::name)),
        )
        .all()
        .await
        .unwrap();
    assert_eq!(
        db.executor().round_trips(),
        1,
        "one batch for the whole tree"
    );
    assert_eq!(
        users.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(),
        ["Ann", "Bob", "Cid"]
    );
    let ann_posts = users[0].get(users::posts);
    assert_eq!(
        ann_posts
            .iter()
            .map(|p| p.title.as_str())
            .collect::<Vec<_>>(),
        ["post 0", "post 1", "post 2"]
    );
    assert_eq!(users[1].get(users::posts).len(), 1);
    assert!(users[2].get(users::posts).is_empty());
    let post2 = &ann_posts[2];
    let comments = post2.get(posts::comments);
    assert_eq!(
        comments.iter().map(|c| c.body.as_str()).collect::<Vec<_>>(),
        ["c2.0", "c2.1"]
    );
    let authors: Vec<&str> = comments
        .iter()
        .map(|c| {
            c.get(comments::author)
                .as_ref()
                .map(|a| a.name.as_str())
                .unwrap()
        })
        .collect();
    assert_eq!(authors, ["Bob", "Ann"], "belongs_to one level further down");
    let tag_names: Vec<&str> = post2
        .get(posts::tags)
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(tag_names, ["d1", "rust"], "many_to_many through post_tags");
    assert_eq!(ann_posts[1].get(posts::tags).len(), 1);
}

#[tokio::test]
async fn filters_order_and_per_parent_limits_apply_at_each_level() {
    let db = seeded().await;
    let users = db
        .select(users::table)
        .filter(users::email.like("%@x.io"))
        .order_by(users::id)
        .limit(2)
        .with(
            users::posts
                .filter(posts::published.eq(true))
                .order_by(posts::id.desc())
                .limit(1),
        )
        .all()
        .await
        .unwrap();
    assert_eq!(users.len(), 2);
    let newest: Vec<&str> = users
        .iter()
        .flat_map(|u| u.get(users::posts))
        .map(|p| p.title.as_str())
        .collect();
    assert_eq!(
        newest,
        ["post 2", "post 3"],
        "newest published post of each author"
    );
    assert_eq!(db.executor().round_trips(), 1);
}

#[tokio::test]
async fn belongs_to_and_get_and_json_shape() {
    let db = seeded().await;
    let post = db
        .select(posts::table)
        .filter(posts::slug.eq("p3"))
        .with(posts::author)
        .with(posts::comments)
        .get()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(post.get(posts::author).as_ref().unwrap().name, "Bob");
    assert_eq!(post.get(posts::comments).len(), 3);
    let json = mizzle::serde_json::to_value(&post).unwrap();
    assert_eq!(json["title"], "post 3");
    assert_eq!(json["author"]["name"], "Bob");
    assert_eq!(json["comments"].as_array().unwrap().len(), 3);
    assert!(
        db.select(posts::table)
            .filter(posts::slug.eq("nope"))
            .with(posts::author)
            .get()
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn many_parents_load_with_one_statement_per_level() {
    let db = seeded().await;
    let ann = db
        .select(users::table)
        .filter(users::name.eq("Ann"))
        .get()
        .await
        .unwrap()
        .unwrap();
    let rows: Vec<NewPost> = (0..5_000)
        .map(|i| NewPost::new(ann.id, "bulk", format!("bulk{i}")))
        .collect();
    db.insert(posts::table)
        .values_many(rows)
        .run()
        .await
        .unwrap();
    db.executor().reset();
    let posts = db
        .select(posts::table)
        .with(posts::author)
        .with(posts::tags)
        .all()
        .await
        .unwrap();
    assert_eq!(posts.len(), 5_004);
    assert!(posts.iter().all(|p| p.get(posts::author).is_some()));
    assert_eq!(db.executor().round_trips(), 1);
    let stmts = db
        .select(posts::table)
        .with(posts::author)
        .with(posts::tags)
        .to_statements();
    assert_eq!(
        stmts.len(),
        3,
        "one statement per relation, whatever the number of parents"
    );
    assert!(stmts.iter().all(|s| s.params.len() <= 100));
}

/// Every shape of tree, checked against the same tree assembled from plain selects (one
/// per row): shared children through a join table with a level under them, a belongs_to
/// whose parent several rows share with a level under it, and filters with bound values
/// at two levels. Each child row appears under each of its parents exactly once.
#[tokio::test]
async fn trees_match_the_naive_assembly_for_shared_and_filtered_levels() {
    let db = seeded().await;

    // posts → tags → posts: tag `rust` is on every post, so it is reached four times.
    let tree = db
        .select(posts::table)
        .order_by(posts::id)
        .with(posts::tags.with(tags::posts))
        .all()
        .await
        .unwrap();
    assert_eq!(db.executor().round_trips(), 1);
    for p in &tree {
        let tag_ids: Vec<i64> = db
            .select(post_tags::table)
            .filter(post_tags::post_id.eq(p.id))
            .order_by(post_tags::tag_id)
            .all()
            .await
            .unwrap()
            .into_iter()
            .map(|pt| pt.tag_id)
            .collect();
        let tags = p.get(posts::tags);
        let mut got: Vec<i64> = tags.iter().map(|t| t.id).collect();
        got.sort();
        assert_eq!(got, tag_ids, "tags of post {}", p.id);
        for t in tags.iter() {
            let post_ids: Vec<i64> = db
                .select(post_tags::table)
                .filter(post_tags::tag_id.eq(t.id))
                .order_by(post_tags::post_id)
                .all()
                .await
                .unwrap()
                .into_iter()
                .map(|pt| pt.post_id)
                .collect();
            let mut got: Vec<i64> = t.get(tags::posts).iter().map(|p| p.id).collect();
            got.sort();
            assert_eq!(got, post_ids, "posts of tag {} under post {}", t.id, p.id);
        }
    }

    // comments → author (shared by several comments) → posts, filtered by a bound value.
    db.executor().reset();
    let tree = db
        .select(comments::table)
        .order_by(comments::id)
        .with(comments::author.with(users::posts.filter(posts::published.eq(true))))
        .all()
        .await
        .unwrap();
    assert_eq!(db.executor().round_trips(), 1);
    assert!(tree.len() >= 4);
    for c in &tree {
        let author = c
            .get(comments::author)
            .as_ref()
            .expect("every comment has an author");
        assert_eq!(Some(author.id), c.author_id);
        let expected: Vec<i64> = db
            .select(posts::table)
            .filter(posts::author_id.eq(author.id) & posts::published.eq(true))
            .order_by(posts::id)
            .all()
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.id)
            .collect();
        let got: Vec<i64> = author.get(users::posts).iter().map(|p| p.id).collect();
        assert_eq!(
            got, expected,
            "published posts of the author of comment {}",
            c.id
        );
    }

    // users (filtered) → posts (filtered) → comments (filtered, limited): bound values at
    // every level land on their own placeholders.
    let tree = db
        .select(users::table)
        .filter(users::name.ne("Cid"))
        .order_by(users::id)
        .with(
            users::posts
                .filter(posts::title.ne("post 9"))
                .with(posts::comments.filter(comments::body.ne("zzz")).limit(1)),
        )
        .all()
        .await
        .unwrap();
    assert_eq!(tree.len(), 2);
    let total_posts: usize = tree.iter().map(|u| u.get(users::posts).len()).sum();
    assert_eq!(total_posts, 4);
    for u in &tree {
        for p in u.get(users::posts) {
            let first = db
                .select(comments::table)
                .filter(comments::post_id.eq(p.id))
                .order_by(comments::id)
                .get()
                .await
                .unwrap();
            let got: Vec<i64> = p.get(posts::comments).iter().map(|c| c.id).collect();
            assert_eq!(got, first.map(|c| c.id).into_iter().collect::<Vec<_>>());
        }
    }
}

/// Each level's rows are decoded as SQLite steps through the batch: a cell that does not
/// decode fails the whole load with the column's name, at any depth.
#[tokio::test]
async fn a_bad_cell_at_any_level_fails_the_load_naming_its_column() {
    let db = seeded().await;
    db.raw("UPDATE comments SET created_at = 'soon'", [])
        .run()
        .await
        .unwrap();
    let err = db
        .select(users::table)
        .with(users::posts.with(posts::comments))
        .all()
        .await
        .unwrap_err();
    assert!(
        matches!(err, mizzle::Error::Decode { ref column, ref sql, .. }
            if column == "comments.created_at" && sql.contains("JOIN \"comments\" AS c")),
        "{err}"
    );
    // Without the broken level the same tree loads.
    let users = db
        .select(users::table)
        .with(users::posts)
        .all()
        .await
        .unwrap();
    assert_eq!(
        users
            .iter()
            .map(|u| u.get(users::posts).len())
            .sum::<usize>(),
        4
    );
}

#[tokio::test]
async fn every_clause_of_a_level_binds_its_values() {
    let db = seeded().await;
    // Ann's posts p0, p1, p2; Bob's p3. Order p2 first, drop "post 1", two per user.
    let got = mizzle_example::api::posts_slug_first(&db, "cid@x.io", "post 1", "p2", Some(2))
        .await
        .unwrap();
    let want = |name: &str, slugs: &[&str]| {
        (
            name.to_owned(),
            slugs.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>(),
        )
    };
    assert_eq!(got, [want("Ann", &["p2", "p0"]), want("Bob", &["p3"])]);
    // Without a limit the order goes last in the statement: the same values, bound there.
    let got = mizzle_example::api::posts_slug_first(&db, "cid@x.io", "post 0", "p1", None)
        .await
        .unwrap();
    assert_eq!(got, [want("Ann", &["p1", "p2"]), want("Bob", &["p3"])]);
}
