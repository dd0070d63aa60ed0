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
SELECT "comments"."id" AS "c0", "comments"."post_id" AS "c1", "comments"."author_id" AS "c2", "comments"."parent_id" AS "c3", "comments"."body" AS "c4", "comments"."created_at" AS "c5", "parent"."id" AS "c6", "parent"."post_id" AS "c7", "parent"."author_id" AS "c8", "parent"."parent_id" AS "c9", "parent"."body" AS "c10", "parent"."created_at" AS "c11" FROM "comments" LEFT JOIN "comments" AS "parent" ON "comments"."parent_id" = "parent"."id" ORDER BY "comments"."id"
-- params: []

-- 12
SELECT "comments"."id" AS "c0", "comments"."post_id" AS "c1", "comments"."author_id" AS "c2", "comments"."parent_id" AS "c3", "comments"."body" AS "c4", "comments"."created_at" AS "c5", "parent"."id" AS "c6", "parent"."post_id" AS "c7", "parent"."author_id" AS "c8", "parent"."parent_id" AS "c9", "parent"."body" AS "c10", "parent"."created_at" AS "c11" FROM "comments" INNER JOIN "comments" AS "parent" ON "parent"."id" = "comments"."parent_id" WHERE "parent"."body" = ?
-- params: [Text("first")]

