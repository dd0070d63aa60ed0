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
SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" WHERE "users"."id" IN (SELECT "posts"."author_id" AS "c0" FROM "posts" WHERE "posts"."published" = 1) ORDER BY "users"."id"
-- params: []

-- 12
SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" WHERE "users"."id" NOT IN (SELECT "posts"."author_id" AS "c0" FROM "posts" WHERE "posts"."published" = 1)
-- params: []

-- 13
SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" WHERE EXISTS (SELECT 1 FROM "posts" AS "__c" WHERE "__c"."author_id" = "users"."id" AND ("__c"."published" = 0))
-- params: []

-- 14
SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" WHERE NOT EXISTS (SELECT 1 FROM "posts" AS "__c" WHERE "__c"."author_id" = "users"."id" AND ("__c"."published" = 1))
-- params: []

-- 15
SELECT "posts"."slug" AS "c0" FROM "posts" WHERE EXISTS (SELECT 1 FROM "post_tags" AS "__t" JOIN "tags" AS "__c" ON "__c"."id" = "__t"."tag_id" WHERE "__t"."post_id" = "posts"."id" AND ("__c"."name" = ?))
-- params: [Text("rust")]

-- 16
SELECT "comments"."body" AS "c0" FROM "comments" WHERE EXISTS (SELECT 1 FROM "comments" AS "__c" WHERE "__c"."parent_id" = "comments"."id")
-- params: []

-- 17
SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" WHERE EXISTS (SELECT 1 FROM "tags" WHERE "tags"."name" = ?) AND "users"."id" = ?
-- params: [Text("d1"), Integer(1)]

-- 18
SELECT count(*) FROM "users" WHERE NOT EXISTS (SELECT 1 FROM "tags" WHERE "tags"."name" = ?)
-- params: [Text("nope")]

-- 19
SELECT "posts"."slug" AS "c0", (SELECT count(*) FROM "comments" AS "__c" WHERE "__c"."post_id" = "posts"."id") AS "c1" FROM "posts" ORDER BY "posts"."id"
-- params: []

