-- AlterTable
ALTER TABLE "area" ADD COLUMN     "centre_lat" DOUBLE PRECISION,
ADD COLUMN     "centre_lng" DOUBLE PRECISION;

-- Databases seeded before this migration get the seed's one centre (seed/areas.yaml: the
-- approximate centre of Pinghu Street) at once, and seeding again (npm run db:seed) keeps it in step.
UPDATE "area" SET "centre_lat" = 22.6866, "centre_lng" = 114.124 WHERE "id" = 'pinghu' AND "centre_lat" IS NULL;
