package io.cdcflow.e2e;

import io.cdcflow.testkit.Services;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
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
 * Ordinary DDL on a live, captured table (the packaged services) while a writer keeps committing: after each
 * statement, and a round of writes in the table's new shape, the warehouse, Redis and OpenSearch each hold exactly
 * the source's rows, compared row by row on every column the table has now. Nothing is dead-lettered. Each subclass
 * is one source database and capture strategy ({@link Variant}): it says how capture-service is told to capture the
 * table (restarted with it, it reads the rows the table already held) and which DDL its dialect spells.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SchemaEvolutionScenario {

    /** The demo's captured tables (capture-service's default {@code CDC_CAPTURE_TABLES}). */
    static final String DEFAULT_TABLES =
            "public.customers,public.products,public.orders,public.order_items,public.outboxevent";
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    /**
     * One source under test.
     *
     * @param jdbcUrl    the source database
     * @param captureEnv what capture-service is restarted with so that it captures {@code table}
     * @param sinkName   {@code <source>.<schema or database>}: where the sinks put the table
     * @param mariadb    whether the DDL is MariaDB's (else PostgreSQL's)
     * @param timestamp  whether capture polls {@code updated_at} (the timestamp strategy): rows are then deleted
     *                   softly ({@code deleted_at}), the only deletes it sees, and those two columns are not compared
     * @param cleanUp    statements run on the source at the end, after the table is dropped
     */
    record Variant(String jdbcUrl, String user, String password, Map<String, String> captureEnv, String sinkName,
                   boolean mariadb, boolean timestamp, List<String> cleanUp) {

        Variant(String jdbcUrl, String user, String password, Map<String, String> captureEnv, String sinkName,
                boolean mariadb, boolean timestamp) {
            this(jdbcUrl, user, password, captureEnv, sinkName, mariadb, timestamp, List.of());
        }
    }

    /** Unique per run: the table, and the capture source a variant adds for it (a rerun starts from no state). */
    final String run = UUID.randomUUID().toString().substring(0, 6);
    final String table = "evolving_" + run;
    /** The table as the SQL names it: schema-qualified on PostgreSQL, where a trigger source adds schema cdc. */
    private String qualified;
    private final AtomicLong nextId = new AtomicLong(100);
    StackEndpoints stack;
    private Variant variant;
    private Connection source;
    private TableRows rows;

    /** The source under test, capturing {@link #table}. */
    abstract Variant variant();

    @BeforeAll
    void start() throws Exception {
        stack = Stack.up();
        new SourceDatabase(stack).createSchema();
        Services.up();
        variant = variant();
        qualified = variant.mariadb() ? table : "public." + table;
        source = DriverManager.getConnection(variant.jdbcUrl(), variant.user(), variant.password());
        rows = new TableRows(stack);
        if (variant.mariadb()) {
            sql("CREATE TABLE " + qualified + " (id bigint PRIMARY KEY, name varchar(20) NOT NULL DEFAULT 'n', qty int NOT NULL,"
                    + " price decimal(8,2), ratio float, code varchar(10), note text"
                    + (variant.timestamp() ? ", updated_at timestamp(6) NOT NULL DEFAULT current_timestamp(6)"
                    + " ON UPDATE current_timestamp(6), deleted_at timestamp(6) NULL" : "") + ")");
        } else {
            sql("CREATE TABLE " + qualified + " (id bigint PRIMARY KEY, name varchar(20) NOT NULL DEFAULT 'n', qty int NOT NULL,"
                    + " price numeric(8,2), ratio real, code varchar(10), note text"
                    + (variant.timestamp() ? ", updated_at timestamptz NOT NULL DEFAULT clock_timestamp(), deleted_at timestamptz" : "")
                    + ")");
            sql("ALTER TABLE " + qualified + " REPLICA IDENTITY FULL");
            if (variant.timestamp()) {
                // What an application (or its ORM) does so that the timestamp strategy sees every update.
                sql("CREATE FUNCTION public." + table + "_touch() RETURNS trigger LANGUAGE plpgsql AS "
                        + "$$ BEGIN NEW.updated_at := clock_timestamp(); RETURN NEW; END $$");
                sql("CREATE TRIGGER " + table + "_touch BEFORE UPDATE ON " + qualified
                        + " FOR EACH ROW EXECUTE FUNCTION public." + table + "_touch()");
            }
        }
        for (int i = 1; i <= 20; i++) {
            sql("INSERT INTO " + qualified + " (id, name, qty, price, ratio, code, note) VALUES (" + i + ", 'row " + i
                    + "', " + i + ", " + i + ".25, 0.5, 'c" + i + "', 'note " + i + "')");
        }
        // The table added to what capture-service captures: it restarts with it and reads the rows it already holds.
        Services.down("capture-service");
        Services.up(variant.captureEnv(), "capture-service");
    }

    @AfterAll
    void stop() throws Exception {
        Services.down("capture-service");
        Services.up("capture-service");
        if (source != null) {
            sql("DROP TABLE IF EXISTS " + qualified);
            for (String statement : variant.cleanUp()) {
                sql(statement);
            }
        }
        if (rows != null) {
            rows.close();
        }
        if (source != null) {
            source.close();
        }
    }

    @Test
    void everySinkFollowsEveryOrdinaryDdlStatementRowByRow() throws Exception {
        // This table's own dead letters: other tests' leftovers on the shared services may be dead-lettered meanwhile.
        long deadLettersBefore = rows.deadLettersOf(table);
        awaitSinksEqualSource("a table added to the capture list");
        String t = qualified;
        boolean my = variant.mariadb();
        step("add a nullable column", "ALTER TABLE " + t + " ADD COLUMN tier " + (my ? "varchar(20)" : "text"));
        step("add a NOT NULL DEFAULT column", "ALTER TABLE " + t + " ADD COLUMN score int NOT NULL DEFAULT 7");
        step("change a column's default", "ALTER TABLE " + t + " ALTER COLUMN score SET DEFAULT 9");
        step("drop a column", "ALTER TABLE " + t + " DROP COLUMN note");
        step("rename a column", "ALTER TABLE " + t + " RENAME COLUMN name TO title");
        step("widen int to bigint", "ALTER TABLE " + t + (my ? " MODIFY qty bigint NOT NULL" : " ALTER COLUMN qty TYPE bigint"),
                "UPDATE " + t + " SET qty = 5000000000 + id WHERE id % 3 = 0");
        step("widen varchar(10) to varchar(40)",
                "ALTER TABLE " + t + (my ? " MODIFY code varchar(40)" : " ALTER COLUMN code TYPE varchar(40)"),
                "UPDATE " + t + " SET code = 'a code longer than ten characters' WHERE id % 4 = 0");
        step("widen varchar to text", "ALTER TABLE " + t + (my ? " MODIFY code text" : " ALTER COLUMN code TYPE text"));
        step("widen numeric(8,2) to numeric(14,2)",
                "ALTER TABLE " + t + (my ? " MODIFY price decimal(14,2)" : " ALTER COLUMN price TYPE numeric(14,2)"),
                "UPDATE " + t + " SET price = 123456789012.34 WHERE id % 5 = 0");
        step("widen real to double precision",
                "ALTER TABLE " + t + (my ? " MODIFY ratio double" : " ALTER COLUMN ratio TYPE double precision"),
                "UPDATE " + t + " SET ratio = 0.1234567890123 WHERE id % 2 = 0");
        step("drop NOT NULL", "ALTER TABLE " + t + (my ? " MODIFY title varchar(20) NULL" : " ALTER COLUMN title DROP NOT NULL"),
                "UPDATE " + t + " SET title = NULL WHERE id % 6 = 0");
        if (my) {
            step("set NOT NULL", "UPDATE " + t + " SET tier = 'basic' WHERE tier IS NULL",
                    "ALTER TABLE " + t + " MODIFY tier varchar(20) NOT NULL DEFAULT 'basic'");
        } else {
            step("set NOT NULL", "UPDATE " + t + " SET tier = 'basic' WHERE tier IS NULL",
                    "ALTER TABLE " + t + " ALTER COLUMN tier SET DEFAULT 'basic'",
                    "ALTER TABLE " + t + " ALTER COLUMN tier SET NOT NULL");
        }
        // MySQL/MariaDB commit before and after each DDL statement: there the transaction is the DML alone.
        inOneTransaction("DDL and DML in one transaction", "ALTER TABLE " + t + " ADD COLUMN extra int",
                "UPDATE " + t + " SET extra = id * 10");
        Services.down("warehouse-sink");
        step("DDL while the warehouse sink is down", false, "ALTER TABLE " + t + " ADD COLUMN late text DEFAULT 'x'",
                "UPDATE " + t + " SET late = 'y' WHERE id % 2 = 1");
        Services.up("warehouse-sink");
        awaitSinksEqualSource("DDL while the warehouse sink is down (after its restart)");
        assertThat(rows.deadLettersOf(table)).as("records dead-lettered during the DDL").isEqualTo(deadLettersBefore);
    }

    /** Runs the statements, then a round of writes in the table's new shape, then compares every sink. */
    private void step(String name, String... statements) throws Exception {
        step(name, true, statements);
    }

    private void step(String name, boolean compare, String... statements) throws Exception {
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

    private void inOneTransaction(String name, String... statements) throws Exception {
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
    private void whileWriting(SqlWork work) throws Exception {
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
    private void writeRound() throws SQLException {
        sql("UPDATE " + qualified + " SET qty = qty + 1");
        for (int i = 0; i < 2; i++) {
            sql("INSERT INTO " + qualified + " (id, qty) VALUES (" + nextId.getAndIncrement() + ", 1)");
        }
        String live = variant.timestamp() ? " WHERE deleted_at IS NULL" : "";
        try (Statement s = source.createStatement();
             ResultSet rs = s.executeQuery("SELECT min(id) FROM " + qualified + live)) {
            rs.next();
            sql(variant.timestamp()
                    ? "UPDATE " + qualified + " SET deleted_at = current_timestamp(6) WHERE id = " + rs.getLong(1)
                    : "DELETE FROM " + qualified + " WHERE id = " + rs.getLong(1));
        }
    }

    /** Updates random rows, one transaction each, until told to stop; waits out the DDL's table locks. */
    private void keepWriting(AtomicBoolean stop, AtomicReference<Throwable> failure) {
        try (Connection c = DriverManager.getConnection(variant.jdbcUrl(), variant.user(), variant.password());
             Statement s = c.createStatement()) {
            while (!stop.get()) {
                s.execute("UPDATE " + qualified + " SET qty = qty + 1 WHERE id = "
                        + ThreadLocalRandom.current().nextLong(1, nextId.get()));
                Thread.sleep(20);
            }
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    private void awaitSinksEqualSource(String step) {
        String warehouseSchema = variant.sinkName().replace('.', '_');
        await(step).atMost(DEADLINE).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
            Map<String, Map<String, String>> expected = rows.source(source, qualified
                    + (variant.timestamp() ? " WHERE deleted_at IS NULL" : ""));
            if (variant.timestamp()) {
                expected.values().forEach(r -> r.keySet().removeAll(Set.of("updated_at", "deleted_at")));
            }
            Set<String> columns = TableRows.columns(expected);
            assertThat(TableRows.differences(expected, rows.warehouse(warehouseSchema, table, columns)))
                    .as("%s: warehouse", step).isEmpty();
            assertThat(TableRows.differences(expected, rows.redis("cdc:" + variant.sinkName() + "." + table + ":", columns)))
                    .as("%s: redis", step).isEmpty();
            assertThat(TableRows.differences(expected, rows.openSearch("cdc-" + variant.sinkName() + "." + table, columns)))
                    .as("%s: opensearch", step).isEmpty();
        });
    }

    private void sql(String statement) throws SQLException {
        try (Statement s = source.createStatement()) {
            s.execute(statement);
        }
    }

    /**
     * A second capture source, {@code <prefix><run>}, on the stack's MariaDB or PostgreSQL, that captures only
     * {@link #table} with {@code strategy} and the source properties {@code extra}; {@code cleanUp} runs at the end.
     */
    Variant addedSource(String prefix, boolean mariadb, String strategy, Map<String, String> extra,
                        List<String> cleanUp) {
        String source = prefix + run;
        String s = "cdc.capture.sources." + source + ".";
        String server = mariadb ? "CDC_MARIADB_" : "CDC_SOURCE_PG_";
        String database = stack.get(mariadb ? "CDC_MARIADB_DB" : "CDC_SOURCE_PG_DB");
        String namespace = mariadb ? database : "public";
        Map<String, String> properties = new java.util.LinkedHashMap<>();
        properties.put(s + "kind", mariadb ? "mariadb" : "postgresql");
        properties.put(s + "strategy", strategy);
        properties.put(s + "host", stack.get(server + "HOST"));
        properties.put(s + "port", stack.get(server + "PORT"));
        properties.put(s + "database", database);
        properties.put(s + "user", stack.get(server + "USER"));
        properties.put(s + "password", stack.get(server + "PASSWORD"));
        properties.put(s + "tables", namespace + "." + table);
        if (!strategy.equals("log")) {
            properties.put(s + strategy + ".poll-interval", "200ms");
        }
        extra.forEach((k, v) -> properties.put(s + k, v));
        String url = mariadb ? "jdbc:mariadb://" + stack.get(server + "HOST") + ":" + stack.get(server + "PORT") + "/"
                + database : stack.sourcePgJdbcUrl();
        return new Variant(url, stack.get(server + "USER"), stack.get(server + "PASSWORD"), withProperties(properties),
                source + "." + namespace, mariadb, strategy.equals("timestamp"), cleanUp);
    }

    /** The environment that starts a service with {@code properties} as system properties (its configuration). */
    static Map<String, String> withProperties(Map<String, String> properties) {
        StringBuilder opts = new StringBuilder();
        properties.forEach((k, v) -> opts.append(" -D").append(k).append('=').append(v));
        return Map.of("CDC_SERVICE_EXTRA_JAVA_OPTS", opts.toString().strip());
    }
}
