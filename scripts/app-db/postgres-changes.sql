-- Changes in the sandbox app database, to see the next postgres-to-duckdb run follow them:
-- a balance updated, a customer (and by cascade their orders) deleted, an order added.
UPDATE customers SET balance = balance + 10, updated_at = now() WHERE email = 'ada@example.com';
DELETE FROM customers WHERE email = 'karel@example.com';
INSERT INTO orders (customer_id, total, status, ordered_at)
SELECT id, 9.50, 'open', now() FROM customers WHERE email = 'grace@example.com';
