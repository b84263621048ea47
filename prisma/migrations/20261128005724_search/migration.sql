-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- AlterTable
ALTER TABLE "facility" ADD COLUMN     "name_pinyin" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "search_text" TEXT NOT NULL DEFAULT '';

-- geo_point is derived from latitude and longitude by PostgreSQL itself, whoever writes.
-- Prisma cannot declare a generated column, and its schema diff does not see the expression,
-- so schema.prisma declares it as an Unsupported("point") column without drift.
-- (No semicolons in comments here: the PostgreSQL driver adapter splits scripts on them.)
ALTER TABLE "facility" ADD COLUMN "geo_point" point
  GENERATED ALWAYS AS (point("longitude", "latitude")) STORED;

-- CreateIndex
CREATE INDEX "facility_geo_point_idx" ON "facility" USING GIST ("geo_point");

-- CreateIndex
CREATE INDEX "facility_name_pinyin_id_idx" ON "facility"("name_pinyin", "id");

-- CreateIndex
CREATE INDEX "facility_search_text_idx" ON "facility" USING GIN ("search_text" gin_trgm_ops);

