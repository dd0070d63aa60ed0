// The example's schema (schema/*.toml) written for drizzle-orm, as a drizzle user would:
// the same tables and columns, read with drizzle's modes (timestamps as Date, booleans,
// JSON text parsed). The database itself is made by mizzle's migrations.
import { relations } from "drizzle-orm";
import { blob, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const users = sqliteTable("users", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  email: text("email").notNull(),
  name: text("name").notNull(),
  bio: text("bio"),
  avatar: blob("avatar"),
  role: text("role", { enum: ["reader", "author", "admin"] }).notNull(),
  created_at: integer("created_at", { mode: "timestamp" }).notNull(),
});

export const posts = sqliteTable("posts", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  author_id: integer("author_id").notNull(),
  title: text("title").notNull(),
  slug: text("slug").notNull(),
  body: text("body"),
  status: text("status", { enum: ["draft", "published"] }).notNull(),
  meta: text("meta", { mode: "json" }),
  published: integer("published", { mode: "boolean" }).notNull(),
  rating: real("rating").notNull(),
  views: integer("views").notNull(),
  created_at: integer("created_at", { mode: "timestamp" }).notNull(),
  updated_at: integer("updated_at", { mode: "timestamp" }).notNull(),
});

export const comments = sqliteTable("comments", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  post_id: integer("post_id").notNull(),
  author_id: integer("author_id"),
  parent_id: integer("parent_id"),
  body: text("body").notNull(),
  created_at: integer("created_at", { mode: "timestamp_ms" }).notNull(),
});

export const tags = sqliteTable("tags", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
});

export const samples = sqliteTable("samples", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  label: text("label").notNull(),
  int_v: integer("int_v"),
});

export const usersRelations = relations(users, ({ many }) => ({ posts: many(posts) }));
export const postsRelations = relations(posts, ({ one, many }) => ({
  author: one(users, { fields: [posts.author_id], references: [users.id] }),
  comments: many(comments),
}));
export const commentsRelations = relations(comments, ({ one }) => ({
  post: one(posts, { fields: [comments.post_id], references: [posts.id] }),
}));
