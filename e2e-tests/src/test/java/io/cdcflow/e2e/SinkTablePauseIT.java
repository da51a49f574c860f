package io.cdcflow.e2e;

import io.cdcflow.testkit.Services;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One sink paused for one table, end to end, through {@code bin/cdcflow pause --sink} and the packaged services: while
 * the warehouse sink holds table {@code A}, its changes reach Redis and OpenSearch but not the warehouse, which still
 * applies table {@code B}; the pause survives a restart of the warehouse sink; on resume the warehouse applies what
 * waited, from the first change it had set aside, and equals the source; nothing is dead-lettered.
 */
class SinkTablePauseIT {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    private static final String A = "pause_a_" + RUN;
    private static final String B = "pause_b_" + RUN;
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

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
        for (String t : List.of(A, B)) {
            sql("CREATE TABLE public." + t + " (id bigint PRIMARY KEY, name text NOT NULL, qty int)");
            sql("ALTER TABLE public." + t + " REPLICA IDENTITY FULL");
            sql("INSERT INTO public." + t + " VALUES (1, 'one', 1), (2, 'two', 2), (3, 'three', 3)");
        }
        Services.down("capture-service");
        Services.up(Map.of("CDC_CAPTURE_TABLES", SchemaEvolutionScenario.DEFAULT_TABLES + ",public." + A + ",public." + B),
                "capture-service");
    }

    @AfterAll
    static void stop() throws Exception {
        cdcflow("resume", "--sink", "warehouse-sink", topic(A)); // when the test failed while it was paused
        Services.down("capture-service");
        Services.up("capture-service");
        if (source != null) {
            sql("DROP TABLE IF EXISTS public." + A);
            sql("DROP TABLE IF EXISTS public." + B);
            source.close();
        }
        if (rows != null) {
            rows.close();
        }
    }

    @Test
    void aTablePausedInOneSinkWaitsInKafkaAcrossARestartAndIsAppliedOnResume() throws Exception {
        long deadLettersBefore = rows.deadLettersOf(RUN);
        awaitAllSinksEqualSource(A, "table A before the pause");
        awaitAllSinksEqualSource(B, "table B before the pause");
        Map<String, Map<String, String>> warehouseBefore = warehouse(A);

        assertThat(cdcflow("pause", "--sink", "warehouse-sink", topic(A), "--reason", "bulk load into the warehouse"))
                .startsWith("0:").contains("validated." + topic(A));
        // The warehouse sink sees the pause within a poll of the control topic (what it applied before that would be
        // applied again on resume, exactly, by the position rule); the test waits for it to take hold.
        await("the warehouse sink following the pause").atMost(DEADLINE).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> metric("cdc_sink_tables_paused", "") >= 1);
        sql("UPDATE public." + A + " SET name = 'changed while paused', qty = qty + 10");
        sql("INSERT INTO public." + A + " VALUES (4, 'four', 4)");
        sql("DELETE FROM public." + A + " WHERE id = 2");
        sql("UPDATE public." + B + " SET name = 'B flows on' WHERE id = 1");

        awaitOtherSinksEqualSource(A, "table A in Redis and OpenSearch while the warehouse holds it");
        awaitAllSinksEqualSource(B, "table B everywhere while A is held");
        awaitSetAside(5);
        assertThat(warehouse(A)).as("the warehouse's rows of A while it is paused").isEqualTo(warehouseBefore);
        assertThat(cdcflow("paused")).contains("warehouse-sink\tvalidated." + topic(A)).contains("bulk load into the warehouse");

        // The pause survives a restart of the sink: nothing of A was committed past its first change set aside.
        Services.down("warehouse-sink");
        sql("UPDATE public." + A + " SET qty = qty * 2 WHERE id = 1");
        Services.up("warehouse-sink");
        awaitOtherSinksEqualSource(A, "table A in Redis and OpenSearch after the restart");
        awaitSetAside(4); // read again from the held offset, and set aside again
        assertThat(warehouse(A)).as("the warehouse's rows of A after a restart while paused").isEqualTo(warehouseBefore);

        assertThat(cdcflow("resume", "--sink", "warehouse-sink", topic(A))).startsWith("0:");
        awaitAllSinksEqualSource(A, "table A once the warehouse resumed it");
        assertThat(cdcflow("resume", "--sink", "warehouse-sink", topic(A))).as("a second resume")
                .startsWith("1:").contains("HTTP 404").contains("is not paused");
        assertThat(cdcflow("pause", "--sink", "no-such-sink", topic(A))).startsWith("1:").contains("HTTP 404");
        assertThat(rows.deadLettersOf(RUN)).as("records dead-lettered").isEqualTo(deadLettersBefore);
    }

    private static String topic(String table) {
        return "inventory.public." + table;
    }

    private static Map<String, Map<String, String>> warehouse(String table) throws SQLException {
        return rows.warehouse("inventory_public", table, Set.of("id", "name", "qty"));
    }

    /** Waits until the warehouse sink set aside at least {@code atLeast} records of A since it started. */
    private static void awaitSetAside(double atLeast) {
        await("the warehouse sink setting aside records of A").atMost(DEADLINE).pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions().until(() -> setAside() >= atLeast);
    }

    /** The warehouse sink's {@code cdc_sink_set_aside_total} of A's validated topic (0 before any). */
    private static double setAside() throws Exception {
        return metric("cdc_sink_set_aside_total", "topic=\"validated." + topic(A) + "\"");
    }

    /** The sum of the warehouse sink's samples of a metric whose labels contain {@code label}. */
    private static double metric(String name, String label) throws Exception {
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(Services.url("warehouse-sink") + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(l -> (l.startsWith(name + "{") || l.startsWith(name + " ")) && l.contains(label))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static void awaitAllSinksEqualSource(String table, String step) {
        await(step).atMost(DEADLINE).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
            Map<String, Map<String, String>> expected = rows.source(table);
            assertThat(TableRows.differences(expected, warehouse(table))).as("%s: warehouse", step).isEmpty();
            assertOtherSinksEqual(table, expected, step);
        });
    }

    private static void awaitOtherSinksEqualSource(String table, String step) {
        await(step).atMost(DEADLINE).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() ->
                assertOtherSinksEqual(table, rows.source(table), step));
    }

    private static void assertOtherSinksEqual(String table, Map<String, Map<String, String>> expected, String step)
            throws Exception {
        Set<String> columns = TableRows.columns(expected);
        assertThat(TableRows.differences(expected, rows.redis("cdc:" + topic(table) + ":", columns)))
                .as("%s: redis", step).isEmpty();
        assertThat(TableRows.differences(expected, rows.openSearch("cdc-" + topic(table), columns)))
                .as("%s: opensearch", step).isEmpty();
    }

    private static String cdcflow(String... args) throws Exception {
        return Cdcflow.run(args);
    }

    private static void sql(String statement) throws SQLException {
        try (Statement s = source.createStatement()) {
            s.execute(statement);
        }
    }
}
