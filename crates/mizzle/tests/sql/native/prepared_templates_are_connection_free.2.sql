-- 1
INSERT INTO "users" ("email", "name", "created_at") VALUES (?, ?, ?) RETURNING "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at"
-- params: [Text("r1@x.io"), Text("Name"), <now>]

-- 2
INSERT INTO "posts" ("author_id", "title", "slug", "created_at", "updated_at") VALUES (?, ?, ?, ?, ?) RETURNING "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at"
-- params: [Integer(1), Text("Title a"), Text("a"), <now>, <now>]

-- 3
INSERT INTO "posts" ("author_id", "title", "slug", "created_at", "updated_at", "status") VALUES (?, ?, ?, ?, ?, ?)
-- params: [Integer(1), Text("t"), Text("b"), <now>, <now>, Text("published")]

-- 4
SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" WHERE "users"."email" = ? LIMIT 1
-- params: [Text("r1@x.io")]

-- 5
SELECT "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at" FROM "posts" WHERE "posts"."author_id" = ? AND "posts"."status" = ?
-- params: [Integer(1), Text("published")]

