-- AlterTable
ALTER TABLE "area" ADD COLUMN     "facts" JSONB NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "facility" ADD COLUMN     "provenance" JSONB NOT NULL DEFAULT '[]';
