-- AlterTable
ALTER TABLE "status_change" ADD COLUMN     "discarded_reason" TEXT;
