-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "cube";

-- A place on the unit sphere as a cube (x, y, z). The chord between two such points grows with
-- the distance on the ground, so ordering by "earth_point <-> earth_point_of(lat, lng)" through a
-- GiST index gives the nearest facilities first, exactly (ordering by degrees would not: a degree
-- of longitude is shorter than one of latitude). The SQL-standard body is bound when the function
-- is created, so it does not depend on the search_path of whoever writes a row later.
CREATE FUNCTION earth_point_of(latitude float8, longitude float8) RETURNS cube
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN cube(ARRAY[cos(radians(latitude)) * cos(radians(longitude)), cos(radians(latitude)) * sin(radians(longitude)), sin(radians(latitude))]);

-- earth_point is derived from latitude and longitude by PostgreSQL itself, whoever writes. As for
-- geo_point, schema.prisma declares the expression as a dbgenerated default.
ALTER TABLE "facility" ADD COLUMN "earth_point" cube
  GENERATED ALWAYS AS (earth_point_of(latitude, longitude)) STORED;

-- CreateIndex
CREATE INDEX "facility_earth_point_idx" ON "facility" USING GIST ("earth_point");
