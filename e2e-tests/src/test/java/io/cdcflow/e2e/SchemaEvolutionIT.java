package io.cdcflow.e2e;

import io.cdcflow.testkit.Services;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Ordinary DDL on a live, captured PostgreSQL table (log strategy, the packaged services) while a writer keeps
 * committing: after each statement, and a round of writes in the table's new shape, the warehouse, Redis and
 * OpenSearch each hold exactly the source's rows, compared row by row on every column the table has now. Nothing
 * is dead-lettered. The table is added to the capture list by a restart of capture-service, which reads its rows
 * by an incremental snapshot.
 */
class SchemaEvolutionIT {

    /** The demo's captured tables (capture-service's default {@code CDC_CAPTURE_TABLES}). */
    private static final String DEFAULT_TABLES =
            "public.customers,public.products,public.orders,public.order_items,public.outboxevent";
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    private static final String TABLE = "evolving_" + UUID.randomUUID().toString().substring(0, 6);
    private static final AtomicLong NEXT_ID = new AtomicLong(100);

    private static StackEndpoints stack;
    private static Connection source;
    private static TableRows rows;

    @BeforeAll
    static void start() throws Exception {
        stack = Stack.up();
        new SourceDatabase(stack).createSchema();
        Services.up();
        source = DriverManager.getConnection(stack.sourcePgJdbcUrl(), stack.get("CDC_SOURCE_PG_USER"),
                stack.get("CDC_SOURCE_PG_PASSWORD"));
        rows = new TableRows(stack);
        sql("CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY, name varchar(20) NOT NULL DEFAULT 'n', qty int NOT NULL,"
                + " price numeric(8,2), ratio real, code varchar(10), note text)");
        sql("ALTER TABLE " + TABLE + " REPLICA IDENTITY FULL");
        for (int i = 1; i <= 20; i++) {
            sql("INSERT INTO " + TABLE + " (id, name, qty, price, ratio, code, note) VALUES (" + i + ", 'row " + i
                    + "', " + i + ", " + i + ".25, 0.5, 'c" + i + "', 'note " + i + "')");
        }
        // A table added to the capture list: capture-service restarts with it and reads the rows it already holds.
        Services.down("capture-service");
        Services.up(Map.of("CDC_CAPTURE_TABLES", DEFAULT_TABLES + ",public." + TABLE), "capture-service");
    }

    @AfterAll
    static void stop() throws Exception {
        Services.down("capture-service");
        Services.up("capture-service");
        if (rows != null) {
            rows.close();
        }
        if (source != null) {
            source.close();
        }
    }

    @Test
    void everySinkFollowsEveryOrdinaryDdlStatementRowByRow() throws Exception {
        long deadLettersBefore = rows.deadLetters();
        awaitSinksEqualSource("a table added to the capture list");
        step("add a nullable column", "ALTER TABLE " + TABLE + " ADD COLUMN tier text");
        step("add a NOT NULL DEFAULT column", "ALTER TABLE " + TABLE + " ADD COLUMN score int NOT NULL DEFAULT 7");
        step("change a column's default", "ALTER TABLE " + TABLE + " ALTER COLUMN score SET DEFAULT 9");
        step("drop a column", "ALTER TABLE " + TABLE + " DROP COLUMN note");
        step("rename a column", "ALTER TABLE " + TABLE + " RENAME COLUMN name TO title");
        step("widen int to bigint", "ALTER TABLE " + TABLE + " ALTER COLUMN qty TYPE bigint",
                "UPDATE " + TABLE + " SET qty = 5000000000 + id WHERE id % 3 = 0");
        step("widen varchar(10) to varchar(40)", "ALTER TABLE " + TABLE + " ALTER COLUMN code TYPE varchar(40)",
                "UPDATE " + TABLE + " SET code = 'a code longer than ten characters' WHERE id % 4 = 0");
        step("widen varchar to text", "ALTER TABLE " + TABLE + " ALTER COLUMN code TYPE text");
        step("widen numeric(8,2) to numeric(14,2)", "ALTER TABLE " + TABLE + " ALTER COLUMN price TYPE numeric(14,2)",
                "UPDATE " + TABLE + " SET price = 123456789012.34 WHERE id % 5 = 0");
        step("widen real to double precision", "ALTER TABLE " + TABLE + " ALTER COLUMN ratio TYPE double precision",
                "UPDATE " + TABLE + " SET ratio = 0.1234567890123 WHERE id % 2 = 0");
        step("drop NOT NULL", "ALTER TABLE " + TABLE + " ALTER COLUMN title DROP NOT NULL",
                "UPDATE " + TABLE + " SET title = NULL WHERE id % 6 = 0");
        step("set NOT NULL", "UPDATE " + TABLE + " SET tier = 'basic' WHERE tier IS NULL",
                "ALTER TABLE " + TABLE + " ALTER COLUMN tier SET DEFAULT 'basic'",
                "ALTER TABLE " + TABLE + " ALTER COLUMN tier SET NOT NULL");
        inOneTransaction("DDL and DML in one transaction", "ALTER TABLE " + TABLE + " ADD COLUMN extra int",
                "UPDATE " + TABLE + " SET extra = id * 10");
        Services.down("warehouse-sink");
        step("DDL while the warehouse sink is down", false, "ALTER TABLE " + TABLE + " ADD COLUMN late text DEFAULT 'x'",
                "UPDATE " + TABLE + " SET late = 'y' WHERE id % 2 = 1");
        Services.up("warehouse-sink");
        awaitSinksEqualSource("DDL while the warehouse sink is down (after its restart)");
        assertThat(rows.deadLetters()).as("records dead-lettered during the DDL").isEqualTo(deadLettersBefore);
    }

    /** Runs the statements, then a round of writes in the table's new shape, then compares every sink. */
    private static void step(String name, String... statements) throws Exception {
        step(name, true, statements);
    }

    private static void step(String name, boolean compare, String... statements) throws Exception {
        whileWriting(() -> {
            for (String s : statements) {
                sql(s);
            }
            writeRound();
        });
        if (compare) {
            awaitSinksEqualSource(name);
        }
    }

    private static void inOneTransaction(String name, String... statements) throws Exception {
        whileWriting(() -> {
            source.setAutoCommit(false);
            try (Statement st = source.createStatement()) {
                for (String s : statements) {
                    st.execute(s);
                }
                source.commit();
            } finally {
                source.setAutoCommit(true);
            }
            writeRound();
        });
        awaitSinksEqualSource(name);
    }

    /** Runs {@code work} while another connection keeps committing updates of random rows; stops it after. */
    private static void whileWriting(SqlWork work) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = Thread.ofPlatform().name("ddl-writer").start(() -> keepWriting(stop, failure));
        try {
            Thread.sleep(100);
            work.run();
        } finally {
            stop.set(true);
            writer.join(Duration.ofSeconds(30));
        }
        assertThat(failure.get()).as("the concurrent writer's failure").isNull();
    }

    @FunctionalInterface
    private interface SqlWork {
        void run() throws Exception;
    }

    /**
     * Changes every row (so each carries the new shape: a row not changed since a rename holds its value under the
     * old column name in the sinks, see the README), inserts two and deletes one.
     */
    private static void writeRound() throws SQLException {
        sql("UPDATE " + TABLE + " SET qty = qty + 1");
        for (int i = 0; i < 2; i++) {
            sql("INSERT INTO " + TABLE + " (id, qty) VALUES (" + NEXT_ID.getAndIncrement() + ", 1)");
        }
        sql("DELETE FROM " + TABLE + " WHERE id = (SELECT min(id) FROM " + TABLE + ")");
    }

    /** Updates random rows, one transaction each, until told to stop; waits out the DDL's table locks. */
    private static void keepWriting(AtomicBoolean stop, AtomicReference<Throwable> failure) {
        try (Connection c = DriverManager.getConnection(stack.sourcePgJdbcUrl(), stack.get("CDC_SOURCE_PG_USER"),
                stack.get("CDC_SOURCE_PG_PASSWORD")); Statement s = c.createStatement()) {
            while (!stop.get()) {
                s.execute("UPDATE " + TABLE + " SET qty = qty + 1 WHERE id = (SELECT id FROM " + TABLE
                        + " ORDER BY id OFFSET " + ThreadLocalRandom.current().nextInt(10) + " LIMIT 1)");
                Thread.sleep(20);
            }
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    private static void awaitSinksEqualSource(String step) {
        await(step).atMost(DEADLINE).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
            Map<String, Map<String, String>> expected = rows.source(TABLE);
            Set<String> columns = TableRows.columns(expected);
            assertThat(TableRows.differences(expected, rows.warehouse(PipelineIT.WAREHOUSE_SCHEMA, TABLE, columns)))
                    .as("%s: warehouse", step).isEmpty();
            assertThat(TableRows.differences(expected, rows.redis(PipelineIT.REDIS_PREFIX + TABLE + ":", columns)))
                    .as("%s: redis", step).isEmpty();
            assertThat(TableRows.differences(expected, rows.openSearch(PipelineIT.INDEX_PREFIX + TABLE, columns)))
                    .as("%s: opensearch", step).isEmpty();
        });
    }

    private static void sql(String statement) throws SQLException {
        try (Statement s = source.createStatement()) {
            s.execute(statement);
        }
    }
}
