-- The location note in both languages, like names, descriptions and addresses: a Chinese answer
-- no longer carries an English note. Notes written so far keep their text, filed under the
-- language of their script: more Han characters than Latin letters is Chinese, otherwise English
-- (the seed's English notes name places in Chinese too: "Approximate centre of … (平湖社区)").
ALTER TABLE "facility" RENAME COLUMN "location_note" TO "location_note_en";
ALTER TABLE "facility" ADD COLUMN "location_note_zh" TEXT;
UPDATE "facility" SET "location_note_zh" = "location_note_en", "location_note_en" = NULL
  WHERE length(regexp_replace("location_note_en", '[^一-鿿]', '', 'g'))
      > length(regexp_replace("location_note_en", '[^A-Za-z]', '', 'g'));
