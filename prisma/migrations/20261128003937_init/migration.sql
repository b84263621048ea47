-- CreateEnum
CREATE TYPE "AreaLevel" AS ENUM ('city', 'district', 'street', 'community');

-- CreateEnum
CREATE TYPE "FacilityCategory" AS ENUM ('hospital', 'school', 'kindergarten', 'childcare', 'elder_care', 'culture_venue', 'sports_venue', 'public_service', 'market', 'road', 'bridge', 'expressway', 'intercity_rail', 'metro', 'logistics_hub', 'utility', 'commercial_building');

-- CreateEnum
CREATE TYPE "FacilityStatus" AS ENUM ('planned', 'in_preparation', 'under_construction', 'suspended', 'completed', 'in_service', 'cancelled', 'operational', 'temporarily_closed', 'permanently_closed');

-- CreateEnum
CREATE TYPE "ElderCareTier" AS ENUM ('street_centre', 'community_station', 'residential_point');

-- CreateEnum
CREATE TYPE "LocationPrecision" AS ENUM ('exact', 'approximate', 'unknown');

-- CreateEnum
CREATE TYPE "CapacityUnit" AS ENUM ('beds', 'places', 'school_places', 'childcare_places', 'elder_care_beds', 'parking_spaces');

-- CreateEnum
CREATE TYPE "AccessibilityFeature" AS ENUM ('step_free_entrance', 'lift', 'accessible_toilet', 'accessible_parking', 'hearing_loop', 'braille_signage', 'wheelchair_loan');

-- CreateEnum
CREATE TYPE "DatePrecision" AS ENUM ('day', 'month', 'quarter', 'half_year', 'year', 'interval');

-- CreateEnum
CREATE TYPE "Milestone" AS ENUM ('construction_start', 'completion', 'opening');

-- CreateEnum
CREATE TYPE "DateBasis" AS ENUM ('planned', 'expected', 'actual');

-- CreateEnum
CREATE TYPE "ChangeAction" AS ENUM ('create', 'update', 'status_change', 'delete');

-- CreateEnum
CREATE TYPE "ClientRole" AS ENUM ('reader', 'editor', 'admin');

-- CreateTable
CREATE TABLE "area" (
    "id" TEXT NOT NULL,
    "level" "AreaLevel" NOT NULL,
    "name_zh" TEXT NOT NULL,
    "name_en" TEXT NOT NULL,
    "parent_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "area_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "source" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "publisher" TEXT,
    "published_on" TEXT,
    "url" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "source_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "facility" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "external_id" TEXT,
    "category" "FacilityCategory" NOT NULL,
    "name_zh" TEXT NOT NULL,
    "name_en" TEXT,
    "aliases" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "description_zh" TEXT,
    "description_en" TEXT,
    "status" "FacilityStatus" NOT NULL,
    "status_effective_at" TIMESTAMPTZ(3),
    "status_effective_edtf" TEXT,
    "area_id" TEXT NOT NULL,
    "address_zh" TEXT,
    "address_en" TEXT,
    "latitude" DOUBLE PRECISION,
    "longitude" DOUBLE PRECISION,
    "location_precision" "LocationPrecision" NOT NULL DEFAULT 'unknown',
    "location_note" TEXT,
    "geometry" JSONB,
    "elder_care_tier" "ElderCareTier",
    "age_min_months" INTEGER,
    "age_max_months" INTEGER,
    "accessibility" "AccessibilityFeature"[] DEFAULT ARRAY[]::"AccessibilityFeature"[],
    "opening_hours" TEXT,
    "time_zone" TEXT NOT NULL DEFAULT 'Asia/Shanghai',
    "phone" TEXT,
    "website" TEXT,
    "attributes" JSONB NOT NULL DEFAULT '{}',
    "verified_at" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "facility_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "capacity" (
    "facility_id" UUID NOT NULL,
    "unit" "CapacityUnit" NOT NULL,
    "total" INTEGER,
    "available" INTEGER,
    "as_of" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "capacity_pkey" PRIMARY KEY ("facility_id","unit")
);

-- CreateTable
CREATE TABLE "facility_date" (
    "facility_id" UUID NOT NULL,
    "milestone" "Milestone" NOT NULL,
    "basis" "DateBasis" NOT NULL,
    "edtf" TEXT NOT NULL,
    "precision" "DatePrecision" NOT NULL,
    "earliest" DATE NOT NULL,
    "latest" DATE NOT NULL,
    "source_text" TEXT,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "facility_date_pkey" PRIMARY KEY ("facility_id","milestone","basis")
);

-- CreateTable
CREATE TABLE "citation" (
    "id" SERIAL NOT NULL,
    "facility_id" UUID NOT NULL,
    "source_id" TEXT NOT NULL,
    "quote" TEXT NOT NULL,

    CONSTRAINT "citation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "status_change" (
    "id" SERIAL NOT NULL,
    "facility_id" UUID NOT NULL,
    "from_status" "FacilityStatus",
    "to_status" "FacilityStatus" NOT NULL,
    "effective_at" TIMESTAMPTZ(3),
    "effective_edtf" TEXT,
    "reason" TEXT NOT NULL,
    "client_id" UUID,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "applied_at" TIMESTAMPTZ(3),

    CONSTRAINT "status_change_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "change" (
    "id" BIGSERIAL NOT NULL,
    "facility_id" UUID NOT NULL,
    "action" "ChangeAction" NOT NULL,
    "reason" TEXT,
    "client_id" UUID,
    "actor" TEXT,
    "version" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "change_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "change_field" (
    "change_id" BIGINT NOT NULL,
    "field" TEXT NOT NULL,
    "old_value" JSONB,
    "new_value" JSONB,

    CONSTRAINT "change_field_pkey" PRIMARY KEY ("change_id","field")
);

-- CreateTable
CREATE TABLE "api_client" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "role" "ClientRole" NOT NULL,
    "key_prefix" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "area_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "categories" "FacilityCategory"[] DEFAULT ARRAY[]::"FacilityCategory"[],
    "rate_limit_per_minute" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_client_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "area_parent_id_idx" ON "area"("parent_id");

-- CreateIndex
CREATE UNIQUE INDEX "facility_slug_key" ON "facility"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "facility_external_id_key" ON "facility"("external_id");

-- CreateIndex
CREATE INDEX "facility_category_status_idx" ON "facility"("category", "status");

-- CreateIndex
CREATE INDEX "facility_status_idx" ON "facility"("status");

-- CreateIndex
CREATE INDEX "facility_area_id_idx" ON "facility"("area_id");

-- CreateIndex
CREATE INDEX "facility_updated_at_idx" ON "facility"("updated_at");

-- CreateIndex
CREATE INDEX "facility_date_milestone_basis_latest_idx" ON "facility_date"("milestone", "basis", "latest");

-- CreateIndex
CREATE UNIQUE INDEX "citation_facility_id_source_id_quote_key" ON "citation"("facility_id", "source_id", "quote");

-- CreateIndex
CREATE INDEX "status_change_facility_id_recorded_at_idx" ON "status_change"("facility_id", "recorded_at");

-- CreateIndex
CREATE INDEX "status_change_applied_at_effective_at_idx" ON "status_change"("applied_at", "effective_at");

-- CreateIndex
CREATE INDEX "change_facility_id_id_idx" ON "change"("facility_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "api_client_key_prefix_key" ON "api_client"("key_prefix");

-- CreateIndex
CREATE UNIQUE INDEX "api_client_key_hash_key" ON "api_client"("key_hash");

-- AddForeignKey
ALTER TABLE "area" ADD CONSTRAINT "area_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "area"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "facility" ADD CONSTRAINT "facility_area_id_fkey" FOREIGN KEY ("area_id") REFERENCES "area"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "capacity" ADD CONSTRAINT "capacity_facility_id_fkey" FOREIGN KEY ("facility_id") REFERENCES "facility"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "facility_date" ADD CONSTRAINT "facility_date_facility_id_fkey" FOREIGN KEY ("facility_id") REFERENCES "facility"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "citation" ADD CONSTRAINT "citation_facility_id_fkey" FOREIGN KEY ("facility_id") REFERENCES "facility"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "citation" ADD CONSTRAINT "citation_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "source"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "status_change" ADD CONSTRAINT "status_change_facility_id_fkey" FOREIGN KEY ("facility_id") REFERENCES "facility"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "status_change" ADD CONSTRAINT "status_change_client_id_fkey" FOREIGN KEY ("client_id") REFERENCES "api_client"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "change" ADD CONSTRAINT "change_facility_id_fkey" FOREIGN KEY ("facility_id") REFERENCES "facility"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "change" ADD CONSTRAINT "change_client_id_fkey" FOREIGN KEY ("client_id") REFERENCES "api_client"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "change_field" ADD CONSTRAINT "change_field_change_id_fkey" FOREIGN KEY ("change_id") REFERENCES "change"("id") ON DELETE CASCADE ON UPDATE CASCADE;
