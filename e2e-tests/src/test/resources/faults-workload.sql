-- The fault suite's workload (FaultSuiteIT): one call is one transaction, and returns exactly how many row changes
-- it committed, so the suite knows how many changes are in flight. Besides inserts it updates and deletes older rows,
-- so a sink that misses a change holds a stale or an extra row, not only a missing one.
CREATE OR REPLACE FUNCTION faults_workload(n integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    c bigint;
    o bigint;
    p bigint;
    k integer;
    changes integer := 0;
BEGIN
    FOR i IN 1..n LOOP
        INSERT INTO customers (first_name, last_name, email)
        VALUES ('Fault', 'Load', 'f.' || md5(random()::text || clock_timestamp()::text) || '@example.com')
        RETURNING id INTO c;
        INSERT INTO products (name, description, weight_kg, price)
        VALUES ('Fault product', 'a product', round((random() * 10)::numeric, 3), round((random() * 100 + 1)::numeric, 2))
        RETURNING id INTO p;
        INSERT INTO orders (customer_id, total) VALUES (c, 0) RETURNING id INTO o;
        INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price)
        SELECT o, g, p, g, price FROM products, generate_series(1, 2) g WHERE id = p;
        UPDATE orders SET total = (SELECT sum(quantity * unit_price) FROM order_items WHERE order_id = o),
                          status = 'PAID', updated_at = now() WHERE id = o;
        changes := changes + 6;
        -- an older product changes price
        UPDATE products SET price = price + 1, updated_at = now()
        WHERE id = (SELECT id FROM products WHERE id < p ORDER BY id DESC OFFSET floor(random() * 50)::integer LIMIT 1);
        GET DIAGNOSTICS k = ROW_COUNT;
        changes := changes + k;
        IF random() < 0.25 THEN -- an older customer changes e-mail
            UPDATE customers SET email = 'u' || floor(random() * 1000)::integer || '.' || md5(email), updated_at = now()
            WHERE id = (SELECT id FROM customers WHERE id < c ORDER BY id DESC OFFSET floor(random() * 50)::integer LIMIT 1);
            GET DIAGNOSTICS k = ROW_COUNT;
            changes := changes + k;
        END IF;
        IF random() < 0.1 THEN -- an older order is deleted with its items
            SELECT id INTO o FROM orders WHERE id < o ORDER BY id DESC OFFSET floor(random() * 20)::integer LIMIT 1;
            IF o IS NOT NULL THEN
                DELETE FROM order_items WHERE order_id = o;
                GET DIAGNOSTICS k = ROW_COUNT;
                changes := changes + k;
                DELETE FROM orders WHERE id = o;
                GET DIAGNOSTICS k = ROW_COUNT;
                changes := changes + k;
            END IF;
        END IF;
    END LOOP;
    RETURN changes;
END;
$$;
