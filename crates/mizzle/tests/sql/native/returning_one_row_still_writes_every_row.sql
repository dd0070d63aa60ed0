-- 1
INSERT INTO "users" ("email", "name", "created_at") VALUES (?, ?, ?) RETURNING "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at"
-- params: [Text("r@x.io"), Text("Name"), <now>]

-- 2
INSERT INTO "posts" ("author_id", "title", "slug", "created_at", "updated_at") VALUES (?, ?, ?, ?, ?) RETURNING "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at"
-- params: [Integer(1), Text("Title a"), Text("a"), <now>, <now>]

-- 3
INSERT INTO "posts" ("author_id", "title", "slug", "created_at", "updated_at") VALUES (?, ?, ?, ?, ?) RETURNING "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at"
-- params: [Integer(1), Text("Title b"), Text("b"), <now>, <now>]

-- 4
INSERT INTO "posts" ("author_id", "title", "slug", "created_at", "updated_at") VALUES (?, ?, ?, ?, ?) RETURNING "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at"
-- params: [Integer(1), Text("Title c"), Text("c"), <now>, <now>]

-- 5
UPDATE "posts" SET "title" = ?, "updated_at" = ? WHERE "posts"."author_id" = ? RETURNING "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at"
-- params: [Text("All"), <now>, Integer(1)]

-- 6
SELECT count(*) FROM "posts" WHERE "posts"."title" = ?
-- params: [Text("All")]

-- 7
INSERT INTO "tags" ("name") VALUES (?), (?), (?) RETURNING "tags"."id", "tags"."name"
-- params: [Text("x"), Text("y"), Text("z")]

-- 8
SELECT count(*) FROM "tags"
-- params: []

-- 9
DELETE FROM "posts" WHERE "posts"."author_id" = ? RETURNING "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at"
-- params: [Integer(1)]

-- 10
SELECT count(*) FROM "posts"
-- params: []

