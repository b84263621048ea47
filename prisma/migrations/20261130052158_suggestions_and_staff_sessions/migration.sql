-- CreateEnum
CREATE TYPE "SuggestionState" AS ENUM ('pending', 'accepted', 'rejected');

-- CreateTable
CREATE TABLE "suggestion" (
    "id" UUID NOT NULL,
    "token" TEXT NOT NULL,
    "facility_id" UUID NOT NULL,
    "proposal" JSONB NOT NULL DEFAULT '{}',
    "message" TEXT,
    "contact" TEXT,
    "fingerprint" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 1,
    "state" "SuggestionState" NOT NULL DEFAULT 'pending',
    "decision_reason" TEXT,
    "decided_by" UUID,
    "decided_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_submitted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "suggestion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "staff_session" (
    "token_hash" TEXT NOT NULL,
    "client_id" UUID NOT NULL,
    "csrf_token" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "staff_session_pkey" PRIMARY KEY ("token_hash")
);

-- CreateIndex
CREATE UNIQUE INDEX "suggestion_token_key" ON "suggestion"("token");

-- CreateIndex
CREATE INDEX "suggestion_state_created_at_idx" ON "suggestion"("state", "created_at");

-- CreateIndex
CREATE INDEX "suggestion_facility_id_state_idx" ON "suggestion"("facility_id", "state");

-- CreateIndex
CREATE INDEX "suggestion_fingerprint_state_idx" ON "suggestion"("fingerprint", "state");

-- CreateIndex
CREATE INDEX "staff_session_client_id_idx" ON "staff_session"("client_id");

-- AddForeignKey
ALTER TABLE "suggestion" ADD CONSTRAINT "suggestion_facility_id_fkey" FOREIGN KEY ("facility_id") REFERENCES "facility"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "suggestion" ADD CONSTRAINT "suggestion_decided_by_fkey" FOREIGN KEY ("decided_by") REFERENCES "api_client"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "staff_session" ADD CONSTRAINT "staff_session_client_id_fkey" FOREIGN KEY ("client_id") REFERENCES "api_client"("id") ON DELETE CASCADE ON UPDATE CASCADE;
