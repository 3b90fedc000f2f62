-- A grid's boundary polygon, from the GeoJSON file of the org import: a place shared in /report lies inside one
-- (else the nearest grid is suggested). `shape` holds polygons of rings of [lat, lon] as JSON; the box around
-- the outer rings finds the candidates for a point without reading every shape.
CREATE TABLE grid_boundaries (
    area_id  INTEGER PRIMARY KEY REFERENCES areas(id),
    shape    TEXT NOT NULL,
    min_lat  REAL NOT NULL,
    max_lat  REAL NOT NULL,
    min_lon  REAL NOT NULL,
    max_lon  REAL NOT NULL
);
CREATE INDEX grid_boundaries_box ON grid_boundaries(min_lat, max_lat);
