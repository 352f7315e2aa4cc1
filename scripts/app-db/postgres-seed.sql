-- The sandbox app database (`make demo-all` loads it into `brainhub services up postgres`):
-- a small shop whose changes the postgres-to-duckdb job follows through the write-ahead log.
-- Safe to run again: it creates only what is missing.
CREATE TABLE IF NOT EXISTS customers (
    id          serial PRIMARY KEY,
    name        text NOT NULL,
    email       text,
    country     text,
    balance     numeric(12, 2),
    tags        text[],
    profile     jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS orders (
    id           serial PRIMARY KEY,
    customer_id  integer NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    total        numeric(10, 2) NOT NULL,
    status       text NOT NULL,
    ordered_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
INSERT INTO customers (name, email, country, balance, tags, profile, created_at)
SELECT * FROM (VALUES
    ('Ada Lovelace', 'ada@example.com', 'GB', 120.50, '{vip,early}'::text[], '{"tier": "gold"}'::jsonb, timestamptz '2024-01-02 09:00:00+00'),
    ('Zoë Ångström', 'zoe@example.com', 'SE', NULL, NULL, NULL, timestamptz '2024-02-10 14:30:00+01'),
    ('Karel Čapek', 'karel@example.com', 'CZ', 0.00, '{}'::text[], '{}'::jsonb, timestamptz '2024-03-05 08:15:00+01'),
    ('Grace Hopper', 'grace@example.com', 'US', 87.25, '{navy}'::text[], '{"tier": "silver", "since": 1952}'::jsonb, timestamptz '2024-04-01 12:00:00-05')
) AS seed
WHERE NOT EXISTS (SELECT 1 FROM customers);
INSERT INTO orders (customer_id, total, status, ordered_at)
SELECT * FROM (VALUES
    (1, 19.99, 'paid', timestamptz '2024-05-01 10:00:00+00'),
    (1, 5.00, 'refunded', timestamptz '2024-05-03 11:00:00+00'),
    (2, 250.00, 'paid', timestamptz '2024-05-04 16:45:00+02'),
    (4, 42.42, 'open', timestamptz '2024-05-06 09:30:00-05')
) AS seed (customer_id, total, status, ordered_at)
WHERE NOT EXISTS (SELECT 1 FROM orders);
-- the slot tap-postgres--app reads (wal2json, from the Debian package postgresql-<version>-wal2json)
SELECT pg_create_logical_replication_slot('brainhub_app', 'wal2json')
WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = 'brainhub_app');
