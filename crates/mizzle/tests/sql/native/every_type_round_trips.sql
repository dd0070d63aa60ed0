-- 1
INSERT INTO "users" ("email", "name", "created_at", "bio", "avatar", "role") VALUES (?, ?, ?, ?, ?, ?) RETURNING "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at"
-- params: [Text("b@x.io"), Text("B"), <now>, Text("hello"), Blob([0, 1, 255]), Text("admin")]

-- 2
INSERT INTO "posts" ("author_id", "title", "slug", "created_at", "updated_at", "status", "meta", "published", "rating") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at"
-- params: [Integer(1), Text("T"), Text("t"), <now>, <now>, Text("published"), Text("{\"n\":1,\"tags\":[\"a\",\"b\"]}"), Integer(1), Real(4.5)]

-- 3
SELECT "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at" FROM "posts" WHERE "posts"."id" = ? LIMIT 1
-- params: [Integer(1)]

-- 4
SELECT published, status, typeof(created_at) AS t FROM posts WHERE id = ?
-- params: [Integer(1)]

-- 5
INSERT INTO "comments" ("post_id", "body", "created_at", "author_id") VALUES (?, ?, ?, ?) RETURNING "comments"."id", "comments"."post_id", "comments"."author_id", "comments"."parent_id", "comments"."body", "comments"."created_at"
-- params: [Integer(1), Text("nice"), <now>, Integer(1)]

-- 6
SELECT created_at FROM comments
-- params: []

