-- 1
INSERT INTO "users" ("email", "name", "created_at") VALUES (?, ?, ?) RETURNING "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at"
-- params: [Text("a@x.io"), Text("Name"), <now>]

-- 2
UPDATE users SET name = CAST(x'41ff42' AS TEXT) WHERE id = ?
-- params: [Integer(1)]

-- 3
SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" WHERE "users"."id" = ? LIMIT 1
-- params: [Integer(1)]

-- 4
SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" WHERE "users"."id" = ?
-- params: [Integer(1)]

-- 5
SELECT name FROM users
-- params: []

-- 6
SELECT id, name FROM users
-- params: []

-- 7
UPDATE users SET created_at = 'soon' WHERE id = ?
-- params: [Integer(1)]

-- 8
SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" WHERE "users"."id" = ? LIMIT 1
-- params: [Integer(1)]

-- 9
SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" WHERE "users"."id" = ?
-- params: [Integer(1)]

