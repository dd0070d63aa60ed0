//! Dependent inserts in one batch (`set_from_last_insert`) never attach a row to the wrong
//! parent: random trees of users → posts → comments, sent depth first (always accepted,
//! every child naming its own parent) and in other orders (refused before anything is
//! sent, or every child naming the row of its parent table inserted last). On SQLite here;
//! tests/d1_e2e.rs sends a sample through the Worker to local D1.

#[path = "support/plans.rs"]
mod plans;

use mizzle::sqlite::SqliteExecutor;
use mizzle::{Db, Error};
use mizzle_example::api::{PlanItem, PlanTable, dependent_batch};
use mizzle_example::schema::*;
use proptest::prelude::*;

fn db() -> Db<SqliteExecutor> {
    let exec = SqliteExecutor::open_in_memory().unwrap();
    exec.apply_migrations(MIGRATIONS).unwrap();
    Db::new(exec)
}

async fn written(db: &Db<SqliteExecutor>, prefix: &str) -> usize {
    let like = format!("{prefix}-%");
    let users = db
        .select(users::table)
        .filter(users::name.like(like.clone()))
        .count()
        .await
        .unwrap();
    let posts = db
        .select(posts::table)
        .filter(posts::title.like(like.clone()))
        .count()
        .await
        .unwrap();
    let comments = db
        .select(comments::table)
        .filter(comments::body.like(like))
        .count()
        .await
        .unwrap();
    (users + posts + comments) as usize
}

fn run(plan: &[PlanItem], prefix: &str, must_accept: bool) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        let db = db();
        let outcome = dependent_batch(&db, prefix, plan).await.unwrap();
        let n = written(&db, prefix).await;
        plans::check(prefix, plan, &outcome, n, must_accept);
    });
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn every_child_names_its_own_parent(
        levels in 1usize..=3,
        choices in proptest::collection::vec(0usize..1000, 64),
        shuffle in proptest::collection::vec(0usize..1000, 64),
    ) {
        let mut it = choices.into_iter().cycle();
        let tree = plans::tree(levels, &mut |n| it.next().unwrap() % n);
        let mut dfs = Vec::new();
        plans::depth_first(&tree, &mut dfs);
        run(&dfs, "dfs", true);
        run(&plans::breadth_first(&tree), "bfs", false);
        // Any order: items swapped at random (parents may then come after children).
        let mut any = dfs.clone();
        let n = any.len();
        for (i, s) in shuffle.iter().enumerate().take(n) {
            any.swap(i, s % n);
        }
        run(&any, "any", false);
    }
}

#[test]
fn the_refusal_and_the_orders_that_work() {
    let users = PlanItem {
        table: PlanTable::Users,
        rows: 1,
    };
    let post = PlanItem {
        table: PlanTable::Posts,
        rows: 1,
    };
    let comment = PlanItem {
        table: PlanTable::Comments,
        rows: 2,
    };
    // Several children of one parent, each after the other's descendants; grandchildren.
    run(
        &[users, post, comment, post, comment, comment],
        "tree",
        true,
    );
    // A child right after a sibling of a different table: it takes the parent's key from
    // the sibling's row, not the sibling's own id (the wrong-parent bug of old).
    run(&[users, post, post], "siblings", true);
    // Refused: a parent of several rows, a child first, a parent that is not on the way.
    run(
        &[
            PlanItem {
                table: PlanTable::Users,
                rows: 2,
            },
            post,
        ],
        "many",
        false,
    );
    run(&[post], "first", false);
    run(&[users, post, users, comment], "off-path", false);
}

#[tokio::test]
async fn a_dependent_insert_alone_or_after_an_upsert_is_refused() {
    let db = db();
    let alone = db
        .insert(posts::table)
        .values(NewPost::new(0, "t", "s"))
        .set_from_last_insert(posts::author_id, users::id)
        .run()
        .await;
    match alone {
        Err(e @ Error::DependentInsert(_)) => {
            assert!(e.to_string().contains("db.batch(("), "{e}");
        }
        other => panic!("{other:?}"),
    }
    // After an upsert that may insert nothing, `last_insert_rowid()` could name an older
    // row: refused, nothing sent.
    db.insert(users::table)
        .values(NewUser::new("a@x.io", "A"))
        .run()
        .await
        .unwrap();
    let after_upsert = db
        .batch((
            db.insert(users::table)
                .values(NewUser::new("a@x.io", "A"))
                .on_conflict(users::email)
                .do_nothing(),
            db.insert(posts::table)
                .values(NewPost::new(0, "t", "s"))
                .set_from_last_insert(posts::author_id, users::id),
        ))
        .await;
    assert!(
        matches!(&after_upsert, Err(Error::DependentInsert(m)) if m.contains("ON CONFLICT")),
        "{after_upsert:?}"
    );
    assert_eq!(db.select(posts::table).count().await.unwrap(), 0);
    // With RETURNING on both sides it works as a plain insert does.
    let (user, post) = db
        .batch((
            db.insert(users::table)
                .values(NewUser::new("b@x.io", "B"))
                .returning(),
            db.insert(posts::table)
                .values(NewPost::new(0, "t", "s"))
                .set_from_last_insert(posts::author_id, users::id)
                .returning(),
        ))
        .await
        .unwrap();
    assert_eq!(post[0].author_id, user[0].id);
}
