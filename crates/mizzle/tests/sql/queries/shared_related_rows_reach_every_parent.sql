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
INSERT INTO "comments" ("post_id", "body", "created_at", "author_id") VALUES (?, ?, ?, ?)
-- params: [Integer(3), Text("third"), <now>, Integer(2)]

-- 12
SELECT "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at" FROM "posts" ORDER BY "posts"."id"
-- params: []

-- 13
SELECT c."id", c."post_id", c."author_id", c."parent_id", c."body", c."created_at", c."post_id" AS __mizzle_key FROM (SELECT "id" FROM (SELECT "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at" FROM "posts" ORDER BY "posts"."id")) AS p JOIN "comments" AS c ON c."post_id" = p."id" ORDER BY c."id"
-- params: []

-- 14
SELECT c."id", c."email", c."name", c."bio", c."avatar", c."role", c."created_at", c."id" AS __mizzle_key FROM (SELECT DISTINCT "author_id" FROM (SELECT c."id", c."post_id", c."author_id", c."parent_id", c."body", c."created_at", c."post_id" AS __mizzle_key FROM (SELECT "id" FROM (SELECT "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at" FROM "posts" ORDER BY "posts"."id")) AS p JOIN "comments" AS c ON c."post_id" = p."id")) AS p JOIN "users" AS c ON c."id" = p."author_id" ORDER BY c."id"
-- params: []

-- 15
SELECT c."id", c."name", j."post_id" AS __mizzle_key FROM (SELECT "id" FROM (SELECT "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at" FROM "posts" ORDER BY "posts"."id")) AS p JOIN "post_tags" AS j ON j."post_id" = p."id" JOIN "tags" AS c ON c."id" = j."tag_id" ORDER BY c."id"
-- params: []

-- 16
SELECT c."id", c."author_id", c."title", c."slug", c."body", c."status", c."meta", c."published", c."rating", c."views", c."created_at", c."updated_at", j."tag_id" AS __mizzle_key FROM (SELECT DISTINCT "id" FROM (SELECT c."id", c."name", j."post_id" AS __mizzle_key FROM (SELECT "id" FROM (SELECT "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at" FROM "posts" ORDER BY "posts"."id")) AS p JOIN "post_tags" AS j ON j."post_id" = p."id" JOIN "tags" AS c ON c."id" = j."tag_id")) AS p JOIN "post_tags" AS j ON j."tag_id" = p."id" JOIN "posts" AS c ON c."id" = j."post_id" ORDER BY c."id"
-- params: []

