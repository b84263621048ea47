-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- AlterTable
ALTER TABLE "facility" ADD COLUMN     "name_pinyin" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "opening_on" DATE,
ADD COLUMN     "search_text" TEXT NOT NULL DEFAULT '';

-- geo_point is derived from latitude and longitude by PostgreSQL itself, whoever writes.
-- Prisma cannot declare a generated column, so schema.prisma declares it with the same
-- expression as a dbgenerated default, which its schema diff accepts without drift.
-- (No semicolons in comments here: the PostgreSQL driver adapter splits scripts on them.)
ALTER TABLE "facility" ADD COLUMN "geo_point" point
  GENERATED ALWAYS AS (point("longitude", "latitude")) STORED;

-- CreateIndex
CREATE INDEX "facility_geo_point_idx" ON "facility" USING GIST ("geo_point");

-- CreateIndex
CREATE INDEX "facility_name_pinyin_id_idx" ON "facility"("name_pinyin", "id");

-- CreateIndex
CREATE INDEX "facility_opening_on_id_idx" ON "facility"("opening_on", "id");

-- CreateIndex
CREATE INDEX "facility_search_text_idx" ON "facility" USING GIN ("search_text" gin_trgm_ops);
