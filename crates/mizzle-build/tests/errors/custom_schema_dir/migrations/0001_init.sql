CREATE TABLE "users" ("id" INTEGER PRIMARY KEY, "website" TEXT, "age" TEXT);
