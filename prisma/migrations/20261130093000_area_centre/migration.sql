-- AlterTable
ALTER TABLE "area" ADD COLUMN     "centre_lat" DOUBLE PRECISION,
ADD COLUMN     "centre_lng" DOUBLE PRECISION;
