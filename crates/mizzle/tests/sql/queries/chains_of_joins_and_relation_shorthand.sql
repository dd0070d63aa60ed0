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
SELECT "comments"."id" AS "c0", "comments"."post_id" AS "c1", "comments"."author_id" AS "c2", "comments"."parent_id" AS "c3", "comments"."body" AS "c4", "comments"."created_at" AS "c5", "posts"."id" AS "c6", "posts"."author_id" AS "c7", "posts"."title" AS "c8", "posts"."slug" AS "c9", "posts"."body" AS "c10", "posts"."status" AS "c11", "posts"."meta" AS "c12", "posts"."published" AS "c13", "posts"."rating" AS "c14", "posts"."views" AS "c15", "posts"."created_at" AS "c16", "posts"."updated_at" AS "c17", "users"."id" AS "c18", "users"."email" AS "c19", "users"."name" AS "c20", "users"."bio" AS "c21", "users"."avatar" AS "c22", "users"."role" AS "c23", "users"."created_at" AS "c24" FROM "comments" INNER JOIN "posts" ON "posts"."id" = "comments"."post_id" INNER JOIN "users" ON "users"."id" = "posts"."author_id" WHERE "users"."name" = ? AND "posts"."published" = 1 ORDER BY "comments"."id"
-- params: [Text("Ann")]

-- 12
SELECT "comments"."id" AS "c0", "comments"."post_id" AS "c1", "comments"."author_id" AS "c2", "comments"."parent_id" AS "c3", "comments"."body" AS "c4", "comments"."created_at" AS "c5", "posts"."id" AS "c6", "posts"."author_id" AS "c7", "posts"."title" AS "c8", "posts"."slug" AS "c9", "posts"."body" AS "c10", "posts"."status" AS "c11", "posts"."meta" AS "c12", "posts"."published" AS "c13", "posts"."rating" AS "c14", "posts"."views" AS "c15", "posts"."created_at" AS "c16", "posts"."updated_at" AS "c17", "users"."id" AS "c18", "users"."email" AS "c19", "users"."name" AS "c20", "users"."bio" AS "c21", "users"."avatar" AS "c22", "users"."role" AS "c23", "users"."created_at" AS "c24", "replier"."id" AS "c25", "replier"."email" AS "c26", "replier"."name" AS "c27", "replier"."bio" AS "c28", "replier"."avatar" AS "c29", "replier"."role" AS "c30", "replier"."created_at" AS "c31" FROM "comments" INNER JOIN "posts" ON "posts"."id" = "comments"."post_id" INNER JOIN "users" ON "users"."id" = "posts"."author_id" LEFT JOIN "users" AS "replier" ON "replier"."id" = "comments"."author_id"
-- params: []

-- 13
SELECT "users"."id" AS "c0", "users"."email" AS "c1", "users"."name" AS "c2", "users"."bio" AS "c3", "users"."avatar" AS "c4", "users"."role" AS "c5", "users"."created_at" AS "c6", "posts"."id" AS "c7", "posts"."author_id" AS "c8", "posts"."title" AS "c9", "posts"."slug" AS "c10", "posts"."body" AS "c11", "posts"."status" AS "c12", "posts"."meta" AS "c13", "posts"."published" AS "c14", "posts"."rating" AS "c15", "posts"."views" AS "c16", "posts"."created_at" AS "c17", "posts"."updated_at" AS "c18" FROM "users" INNER JOIN "posts" ON "posts"."author_id" = "users"."id" WHERE "posts"."published" = 1 ORDER BY "posts"."id"
-- params: []

-- 14
SELECT "posts"."id" AS "c0", "posts"."author_id" AS "c1", "posts"."title" AS "c2", "posts"."slug" AS "c3", "posts"."body" AS "c4", "posts"."status" AS "c5", "posts"."meta" AS "c6", "posts"."published" AS "c7", "posts"."rating" AS "c8", "posts"."views" AS "c9", "posts"."created_at" AS "c10", "posts"."updated_at" AS "c11", "tags"."id" AS "c12", "tags"."name" AS "c13" FROM "posts" INNER JOIN "post_tags" ON "post_tags"."post_id" = "posts"."id" INNER JOIN "tags" ON "tags"."id" = "post_tags"."tag_id" WHERE "tags"."name" = ? ORDER BY "posts"."id"
-- params: [Text("rust")]

-- 15
SELECT "users"."id" AS "c0", "users"."email" AS "c1", "users"."name" AS "c2", "users"."bio" AS "c3", "users"."avatar" AS "c4", "users"."role" AS "c5", "users"."created_at" AS "c6", "posts"."id" AS "c7", "posts"."author_id" AS "c8", "posts"."title" AS "c9", "posts"."slug" AS "c10", "posts"."body" AS "c11", "posts"."status" AS "c12", "posts"."meta" AS "c13", "posts"."published" AS "c14", "posts"."rating" AS "c15", "posts"."views" AS "c16", "posts"."created_at" AS "c17", "posts"."updated_at" AS "c18" FROM "users" LEFT JOIN "posts" ON "posts"."author_id" = "users"."id"
-- params: []

