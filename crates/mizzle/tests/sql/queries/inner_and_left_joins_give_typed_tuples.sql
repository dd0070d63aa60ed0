-- 1
INSERT INTO "users" ("email", "name", "created_at") VALUES (?, ?, ?)
-- params: [Text("ann@x.io"), Text("Ann"), <now>]

-- 2
INSERT INTO "users" ("email", "name", "created_at") VALUES (?, ?, ?)
-- params: [Text("bob@x.io"), Text("Bob"), <now>]

-- 3
INSERT INTO "users" ("email", "name", "created_at") VALUES (?, ?, ?)
-- params: [Text("cid@x.io"), Text("Cid"), <now>]

-- 4
INSERT INTO "posts" ("author_id", "title", "slug", "created_at", "updated_at", "published", "rating") VALUES (?, ?, ?, ?, ?, ?, ?)
-- params: [Integer(1), Text("Title a1"), Text("a1"), <now>, <now>, Integer(1), Real(4.0)]

-- 5
INSERT INTO "posts" ("author_id", "title", "slug", "created_at", "updated_at", "published", "rating") VALUES (?, ?, ?, ?, ?, ?, ?)
-- params: [Integer(1), Text("Title a2"), Text("a2"), <now>, <now>, Integer(0), Real(2.0)]

-- 6
INSERT INTO "posts" ("author_id", "title", "slug", "created_at", "updated_at", "published", "rating") VALUES (?, ?, ?, ?, ?, ?, ?)
-- params: [Integer(2), Text("Title b1"), Text("b1"), <now>, <now>, Integer(1), Real(5.0)]

-- 7
INSERT INTO "comments" ("post_id", "body", "created_at", "author_id") VALUES (?, ?, ?, ?)
-- params: [Integer(1), Text("first"), <now>, Integer(2)]

-- 8
INSERT INTO "comments" ("post_id", "body", "created_at", "author_id", "parent_id") VALUES (?, ?, ?, ?, ?)
-- params: [Integer(1), Text("reply"), <now>, Integer(1), Integer(1)]

-- 9
INSERT INTO "tags" ("name") VALUES (?), (?)
-- params: [Text("rust"), Text("d1")]

-- 10
INSERT INTO "post_tags" ("post_id", "tag_id") VALUES (?, ?), (?, ?), (?, ?)
-- params: [Integer(1), Integer(1), Integer(3), Integer(1), Integer(1), Integer(2)]

-- 11
SELECT "users"."id" AS "c0", "users"."email" AS "c1", "users"."name" AS "c2", "users"."bio" AS "c3", "users"."avatar" AS "c4", "users"."role" AS "c5", "users"."created_at" AS "c6", "posts"."id" AS "c7", "posts"."author_id" AS "c8", "posts"."title" AS "c9", "posts"."slug" AS "c10", "posts"."body" AS "c11", "posts"."status" AS "c12", "posts"."meta" AS "c13", "posts"."published" AS "c14", "posts"."rating" AS "c15", "posts"."views" AS "c16", "posts"."created_at" AS "c17", "posts"."updated_at" AS "c18" FROM "users" INNER JOIN "posts" ON "posts"."author_id" = "users"."id" WHERE "posts"."published" = 1 ORDER BY "posts"."id"
-- params: []

-- 12
SELECT "users"."id" AS "c0", "users"."email" AS "c1", "users"."name" AS "c2", "users"."bio" AS "c3", "users"."avatar" AS "c4", "users"."role" AS "c5", "users"."created_at" AS "c6", "posts"."id" AS "c7", "posts"."author_id" AS "c8", "posts"."title" AS "c9", "posts"."slug" AS "c10", "posts"."body" AS "c11", "posts"."status" AS "c12", "posts"."meta" AS "c13", "posts"."published" AS "c14", "posts"."rating" AS "c15", "posts"."views" AS "c16", "posts"."created_at" AS "c17", "posts"."updated_at" AS "c18" FROM "users" LEFT JOIN "posts" ON "posts"."author_id" = "users"."id" ORDER BY "users"."id", "posts"."id"
-- params: []

-- 13
SELECT "users"."id" AS "c0", "users"."email" AS "c1", "users"."name" AS "c2", "users"."bio" AS "c3", "users"."avatar" AS "c4", "users"."role" AS "c5", "users"."created_at" AS "c6", "posts"."id" AS "c7", "posts"."author_id" AS "c8", "posts"."title" AS "c9", "posts"."slug" AS "c10", "posts"."body" AS "c11", "posts"."status" AS "c12", "posts"."meta" AS "c13", "posts"."published" AS "c14", "posts"."rating" AS "c15", "posts"."views" AS "c16", "posts"."created_at" AS "c17", "posts"."updated_at" AS "c18" FROM "users" LEFT JOIN "posts" ON "posts"."author_id" = "users"."id" WHERE "posts"."id" IS NULL
-- params: []

