-- 1
INSERT INTO "users" ("email", "name", "created_at") VALUES (?, ?, ?) RETURNING "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at"
-- params: [Text("a@x.io"), Text("Name"), <now>]

-- 2
INSERT INTO "users" ("email", "name", "created_at") VALUES (?, ?, ?) RETURNING "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at"
-- params: [Text("c@x.io"), Text("Name"), <now>]

-- 3
INSERT INTO "tags" ("name") VALUES (?), (?) ON CONFLICT ("name") DO NOTHING
-- params: [Text("rust"), Text("d1")]

-- 4
INSERT INTO "posts" ("author_id", "title", "slug", "created_at", "updated_at") VALUES (?, ?, ?, ?, ?) RETURNING "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at"
-- params: [Integer(1), Text("One"), Text("one"), <now>, <now>]

-- 5
INSERT INTO post_tags (post_id, tag_id) SELECT (SELECT id FROM posts WHERE slug = ?), id FROM tags WHERE name IN (SELECT value FROM json_each(?))
-- params: [Text("one"), Text("[\"rust\",\"d1\"]")]

-- 6
INSERT INTO "tags" ("name") VALUES (?) ON CONFLICT ("name") DO NOTHING
-- params: [Text("rust")]

-- 7
INSERT INTO "posts" ("author_id", "title", "slug", "created_at", "updated_at") VALUES (?, ?, ?, ?, ?) RETURNING "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at"
-- params: [Integer(1), Text("Two"), Text("two"), <now>, <now>]

-- 8
INSERT INTO post_tags (post_id, tag_id) SELECT (SELECT id FROM posts WHERE slug = ?), id FROM tags WHERE name IN (SELECT value FROM json_each(?))
-- params: [Text("two"), Text("[\"rust\"]")]

-- 9
INSERT INTO "comments" ("post_id", "body", "created_at", "author_id") VALUES (?, ?, ?, ?)
-- params: [Integer(1), Text("hi"), <now>, Integer(2)]

-- 10
INSERT INTO "comments" ("post_id", "body", "created_at") VALUES (?, ?, ?)
-- params: [Integer(1), Text("anon"), <now>]

-- 11
SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" WHERE "users"."id" = ? LIMIT 1
-- params: [Integer(1)]

-- 12
SELECT c."id", c."author_id", c."title", c."slug", c."body", c."status", c."meta", c."published", c."rating", c."views", c."created_at", c."updated_at", c."author_id" AS __mizzle_key FROM (SELECT "id" FROM (SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" WHERE "users"."id" = ? LIMIT 1)) AS p JOIN "posts" AS c ON c."author_id" = p."id" ORDER BY c."created_at" DESC, c."id" DESC
-- params: [Integer(1)]

-- 13
SELECT c."id", c."name", j."post_id" AS __mizzle_key FROM (SELECT "id" FROM (SELECT c."id", c."author_id", c."title", c."slug", c."body", c."status", c."meta", c."published", c."rating", c."views", c."created_at", c."updated_at", c."author_id" AS __mizzle_key FROM (SELECT "id" FROM (SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" WHERE "users"."id" = ? LIMIT 1)) AS p JOIN "posts" AS c ON c."author_id" = p."id")) AS p JOIN "post_tags" AS j ON j."post_id" = p."id" JOIN "tags" AS c ON c."id" = j."tag_id" ORDER BY c."name"
-- params: [Integer(1)]

-- 14
SELECT c."id", c."post_id", c."author_id", c."parent_id", c."body", c."created_at", c."post_id" AS __mizzle_key FROM (SELECT "id" FROM (SELECT c."id", c."author_id", c."title", c."slug", c."body", c."status", c."meta", c."published", c."rating", c."views", c."created_at", c."updated_at", c."author_id" AS __mizzle_key FROM (SELECT "id" FROM (SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" WHERE "users"."id" = ? LIMIT 1)) AS p JOIN "posts" AS c ON c."author_id" = p."id")) AS p JOIN "comments" AS c ON c."post_id" = p."id" ORDER BY c."id"
-- params: [Integer(1)]

-- 15
SELECT c."id", c."email", c."name", c."bio", c."avatar", c."role", c."created_at", c."id" AS __mizzle_key FROM (SELECT DISTINCT "author_id" FROM (SELECT c."id", c."post_id", c."author_id", c."parent_id", c."body", c."created_at", c."post_id" AS __mizzle_key FROM (SELECT "id" FROM (SELECT c."id", c."author_id", c."title", c."slug", c."body", c."status", c."meta", c."published", c."rating", c."views", c."created_at", c."updated_at", c."author_id" AS __mizzle_key FROM (SELECT "id" FROM (SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" WHERE "users"."id" = ? LIMIT 1)) AS p JOIN "posts" AS c ON c."author_id" = p."id")) AS p JOIN "comments" AS c ON c."post_id" = p."id")) AS p JOIN "users" AS c ON c."id" = p."author_id" ORDER BY c."id"
-- params: [Integer(1)]

-- 16
SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" WHERE "users"."id" = ? LIMIT 1
-- params: [Integer(1)]

-- 17
SELECT "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at" FROM "posts" WHERE "posts"."author_id" = ? ORDER BY "posts"."created_at" DESC, "posts"."id" DESC
-- params: [Integer(1)]

-- 18
SELECT "comments"."id", "comments"."post_id", "comments"."author_id", "comments"."parent_id", "comments"."body", "comments"."created_at" FROM "comments" WHERE "comments"."post_id" = ? ORDER BY "comments"."id"
-- params: [Integer(2)]

-- 19
SELECT "post_tags"."post_id", "post_tags"."tag_id" FROM "post_tags" WHERE "post_tags"."post_id" = ?
-- params: [Integer(2)]

-- 20
SELECT "tags"."id", "tags"."name" FROM "tags" WHERE "tags"."id" IN (?) ORDER BY "tags"."name"
-- params: [Integer(1)]

-- 21
SELECT "comments"."id", "comments"."post_id", "comments"."author_id", "comments"."parent_id", "comments"."body", "comments"."created_at" FROM "comments" WHERE "comments"."post_id" = ? ORDER BY "comments"."id"
-- params: [Integer(1)]

-- 22
SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" WHERE "users"."id" = ? LIMIT 1
-- params: [Integer(2)]

-- 23
SELECT "post_tags"."post_id", "post_tags"."tag_id" FROM "post_tags" WHERE "post_tags"."post_id" = ?
-- params: [Integer(1)]

-- 24
SELECT "tags"."id", "tags"."name" FROM "tags" WHERE "tags"."id" IN (?, ?) ORDER BY "tags"."name"
-- params: [Integer(1), Integer(2)]

-- 25
INSERT INTO "tags" ("name") VALUES (?) ON CONFLICT ("name") DO NOTHING
-- params: [Text("brand-new")]

-- 26
INSERT INTO "posts" ("author_id", "title", "slug", "created_at", "updated_at") VALUES (?, ?, ?, ?, ?) RETURNING "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at"
-- params: [Integer(1), Text("Dup"), Text("one"), <now>, <now>]

-- 27
INSERT INTO post_tags (post_id, tag_id) SELECT (SELECT id FROM posts WHERE slug = ?), id FROM tags WHERE name IN (SELECT value FROM json_each(?))
-- params: [Text("one"), Text("[\"brand-new\"]")]

-- 28
SELECT "tags"."id", "tags"."name" FROM "tags" WHERE "tags"."name" = ? LIMIT 1
-- params: [Text("brand-new")]

