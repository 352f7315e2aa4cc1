-- The sandbox app database on MariaDB (`make demo-all` loads it into `brainhub services up
-- mariadb`): products whose changes mariadb-to-duckdb reads incrementally by updated_at.
-- Safe to run again: it creates only what is missing.
CREATE TABLE IF NOT EXISTS products (
    id          int AUTO_INCREMENT PRIMARY KEY,
    sku         varchar(32) NOT NULL UNIQUE,
    name        varchar(200) NOT NULL,
    price       decimal(10, 2),
    weight_kg   double,
    attributes  json,
    released_on date,
    updated_at  datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
);
INSERT IGNORE INTO products (sku, name, price, weight_kg, attributes, released_on) VALUES
    ('KB-01', 'Clavier ergonomique', 89.90, 0.85, '{"layout": "AZERTY"}', '2023-09-01'),
    ('MS-02', 'Maus “Präzision”', 24.50, 0.12, NULL, '2024-01-15'),
    ('CB-03', 'USB-C cable 東京', NULL, NULL, '{"length_m": 2}', NULL);
