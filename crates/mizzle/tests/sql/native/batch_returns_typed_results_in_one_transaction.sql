-- 1
INSERT INTO "users" ("email", "name", "created_at") VALUES (?, ?, ?) RETURNING "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at"
-- params: [Text("a@x.io"), Text("Name"), <now>]

-- 2
INSERT INTO "posts" ("author_id", "title", "slug", "created_at", "updated_at") VALUES (?, ?, ?, ?, ?) RETURNING "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at"
-- params: [Integer(1), Text("T"), Text("t"), <now>, <now>]

-- 3
INSERT INTO "tags" ("name") VALUES (?), (?)
-- params: [Text("a"), Text("b")]

-- 4
SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" WHERE "users"."id" = ?
-- params: [Integer(1)]

-- 5
SELECT count(*) AS n FROM tags
-- params: []

-- 6
INSERT INTO "tags" ("name") VALUES (?)
-- params: [Text("c")]

-- 7
UPDATE "users" SET "name" = ?
-- params: [Text("changed")]

-- 8
INSERT INTO "tags" ("name") VALUES (?)
-- params: [Text("a")]

-- 9
SELECT count(*) FROM "tags"
-- params: []

-- 10
SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" LIMIT 1
-- params: []

-- 11
SELECT "tags"."id", "tags"."name" FROM "tags" WHERE "tags"."name" = ?
-- params: [Text("a")]

-- 12
SELECT "tags"."id", "tags"."name" FROM "tags" WHERE "tags"."name" = ?
-- params: [Text("b")]

