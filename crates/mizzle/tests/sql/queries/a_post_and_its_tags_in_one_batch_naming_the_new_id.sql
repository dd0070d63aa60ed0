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
INSERT INTO "posts" ("author_id", "title", "slug", "created_at", "updated_at") VALUES (?, ?, ?, ?, ?) RETURNING "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at"
-- params: [Integer(2), Text("Tagged"), Text("tagged"), <now>, <now>]

-- 12
WITH "__last"("v") AS MATERIALIZED (SELECT "posts"."id" FROM "posts" WHERE "posts".rowid = last_insert_rowid()) INSERT INTO "post_tags" ("tag_id", "post_id") VALUES (?, (SELECT "__last"."v" FROM "__last")), (?, (SELECT "__last"."v" FROM "__last"))
-- params: [Integer(1), Integer(2)]

-- 13
SELECT "post_tags"."tag_id" AS "c0" FROM "post_tags" WHERE "post_tags"."post_id" = ?
-- params: [Integer(4)]

-- 14
SELECT count(*) FROM "posts"
-- params: []

-- 15
INSERT INTO "posts" ("author_id", "title", "slug", "created_at", "updated_at") VALUES (?, ?, ?, ?, ?)
-- params: [Integer(2), Text("Doomed"), Text("doomed"), <now>, <now>]

-- 16
WITH "__last"("v") AS MATERIALIZED (SELECT "posts"."id" FROM "posts" WHERE "posts".rowid = last_insert_rowid()) INSERT INTO "post_tags" ("tag_id", "post_id") VALUES (?, (SELECT "__last"."v" FROM "__last")), (?, (SELECT "__last"."v" FROM "__last"))
-- params: [Integer(1), Integer(99)]

-- 17
SELECT "j"."value" FROM json_each(?) AS "j" WHERE NOT EXISTS (SELECT 1 FROM "tags" WHERE "tags"."id" = "j"."value") LIMIT 1
-- params: [Text("[1,99]")]

-- 18
SELECT count(*) FROM "posts"
-- params: []

