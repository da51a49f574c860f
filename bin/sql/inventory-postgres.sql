-- The demo's source schema: the inventory tables, captured by capture-service. Idempotent.
-- REPLICA IDENTITY FULL gives updates and deletes a complete "before" image in the change events.
-- In schema public whatever the session's search_path: the stack's user is called cdc, and PostgreSQL's default
-- search_path ("$user", public) would put unqualified tables into the trigger strategy's schema cdc once it exists.
SET search_path TO public;
CREATE TABLE IF NOT EXISTS customers (
    id          bigserial PRIMARY KEY,
    first_name  text        NOT NULL,
    last_name   text        NOT NULL,
    email       text        NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS products (
    id          bigserial PRIMARY KEY,
    name        text          NOT NULL,
    description text,
    weight_kg   numeric(8, 3),
    price       numeric(10, 2) NOT NULL,
    updated_at  timestamptz   NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS orders (
    id          bigserial PRIMARY KEY,
    order_date  date          NOT NULL DEFAULT current_date,
    customer_id bigint        NOT NULL REFERENCES customers (id),
    status      text          NOT NULL DEFAULT 'NEW',
    total       numeric(12, 2) NOT NULL DEFAULT 0,
    updated_at  timestamptz   NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS order_items (
    order_id    bigint        NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line_no     integer       NOT NULL,
    product_id  bigint        NOT NULL REFERENCES products (id),
    quantity    integer       NOT NULL,
    unit_price  numeric(10, 2) NOT NULL,
    PRIMARY KEY (order_id, line_no)
);
ALTER TABLE customers REPLICA IDENTITY FULL;
ALTER TABLE products REPLICA IDENTITY FULL;
ALTER TABLE orders REPLICA IDENTITY FULL;
ALTER TABLE order_items REPLICA IDENTITY FULL;

-- A short, repeatable workload: each loop is its own committed transaction (a procedure may COMMIT).
CREATE OR REPLACE PROCEDURE inventory_workload(n integer)
LANGUAGE plpgsql AS $$
DECLARE
    c bigint;
    o bigint;
    p bigint;
BEGIN
    FOR i IN 1..n LOOP
        INSERT INTO customers (first_name, last_name, email)
        VALUES ('First' || i, 'Last' || i, 'c' || i || '.' || md5(random()::text) || '@example.com')
        RETURNING id INTO c;
        INSERT INTO products (name, description, weight_kg, price)
        VALUES ('Product ' || i, 'a product', round((random() * 10)::numeric, 3), round((random() * 100 + 1)::numeric, 2))
        RETURNING id INTO p;
        INSERT INTO orders (customer_id, total) VALUES (c, 0) RETURNING id INTO o;
        INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price)
        SELECT o, g, p, g, price FROM products, generate_series(1, 2) g WHERE id = p;
        UPDATE orders SET total = (SELECT sum(quantity * unit_price) FROM order_items WHERE order_id = o),
                          status = 'PAID', updated_at = now() WHERE id = o;
        COMMIT;
        IF i % 4 = 0 THEN
            UPDATE customers SET email = 'changed.' || email, updated_at = now() WHERE id = c;
            COMMIT;
        END IF;
        IF i % 10 = 0 THEN
            DELETE FROM orders WHERE id = o;
            COMMIT;
        END IF;
    END LOOP;
END;
$$;

-- The transactional outbox of the example order service (the Debezium outbox extension's default layout).
CREATE TABLE IF NOT EXISTS outboxevent (
    id            uuid         PRIMARY KEY,
    aggregatetype varchar(255) NOT NULL,
    aggregateid   varchar(255) NOT NULL,
    type          varchar(255) NOT NULL,
    timestamp     timestamp    NOT NULL,
    payload       varchar(8000),
    tracingspancontext varchar(256)
);
ALTER TABLE outboxevent REPLICA IDENTITY FULL;
