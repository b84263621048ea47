-- A project stage between preparation and construction: 已启动 (launched) says a project has
-- started without saying whether it is still in preparation or being built (OC4IDS/IATI have no
-- word that loose, so the directory keeps the source's own). Placed after in_preparation so
-- ordering by status follows the lifecycle.
ALTER TYPE "FacilityStatus" ADD VALUE 'launched' AFTER 'in_preparation';
