package io.cdcflow.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An operator's way out of the dead-letter topic, end to end, through {@code bin/cdcflow dlq} and the packaged
 * services: a table whose schema-change policy is {@code dead-letter} gets an incompatible change (an integer column
 * becomes text), so the router dead-letters its events and the sinks keep the old state. Redriving them before the
 * cause is fixed sends them round again, their {@code cdc.redrive.count} growing until the console's cap (3) refuses
 * them. Once the operator lets the registry take the schema, a redrive from the console's page, in a real headless
 * Chromium that first sees the tables and their rates, makes every sink equal the table (a screenshot goes to
 * {@code target/console-browser-test.png}); pausing the table's routing from the page holds a later change back
 * until it is resumed there; and a second redrive changes nothing (the position rule).
 */
class DeadLetterRedriveIT {

    private static final String TABLE = "dlq_" + UUID.randomUUID().toString().substring(0, 6);
    private static final String TOPIC = "inventory.public." + TABLE;
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static StackEndpoints stack;
    private static Connection source;
    private static TableRows rows;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        stack = Stack.up();
        new SourceDatabase(stack).createSchema();
        Services.up();
        source = DriverManager.getConnection(stack.sourcePgJdbcUrl(), stack.get("CDC_SOURCE_PG_USER"),
                stack.get("CDC_SOURCE_PG_PASSWORD"));
        rows = new TableRows(stack);
        sql("CREATE TABLE public." + TABLE + " (id bigint PRIMARY KEY, name text NOT NULL, qty int)");
        sql("ALTER TABLE public." + TABLE + " REPLICA IDENTITY FULL");
        sql("INSERT INTO public." + TABLE + " VALUES (1, 'one', 1), (2, 'two', 2), (3, 'three', 3)");
        // The router dead-letters this table's incompatible schema changes, and offers a refused schema to the
        // registry again after 2 s (60 s by default); capture adds the table to the demo source.
        Services.down("router-service", "capture-service");
        Services.up(SchemaEvolutionScenario.withProperties(Map.of(
                "cdc.router.schema-change-policies.\"" + TOPIC + "\"", "dead-letter",
                "cdc.router.registry.rejection-ttl", "2s")), "router-service");
        Services.up(Map.of("CDC_CAPTURE_TABLES", SchemaEvolutionScenario.DEFAULT_TABLES + ",public." + TABLE),
                "capture-service");
    }

    @AfterAll
    static void stop() throws Exception {
        Services.down("router-service", "capture-service");
        Services.up("router-service", "capture-service");
        if (source != null) {
            sql("DROP TABLE IF EXISTS public." + TABLE);
            source.close();
        }
        if (rows != null) {
            rows.close();
        }
    }

    @Test
    void deadLettersComeBackOnceTheCauseIsFixedAndALoopStopsAtTheCap() throws Exception {
        awaitSinksEqualSource("the table's rows");

        // An incompatible change (int to text): the router dead-letters the events that carry the new schema.
        sql("ALTER TABLE public." + TABLE + " ALTER COLUMN qty TYPE text USING qty::text");
        sql("UPDATE public." + TABLE + " SET qty = 'many' WHERE id = 1");
        sql("INSERT INTO public." + TABLE + " VALUES (4, 'four', 'lots')");
        JsonNode dead = awaitDeadLetters(2, 0);
        assertThat(dead.path("letters")).allSatisfy(l -> assertThat(l.path("reason").asText()).isEqualTo("incompatible_schema"));
        assertThat(rows.warehouse("inventory_public", TABLE, Set.of("id", "qty"))).doesNotContainKey("4");

        // Sent back before the cause is fixed, they fail again, each time with a higher count, until the cap.
        for (int round = 1; round <= 3; round++) {
            assertThat(cdcflow("dlq", "redrive", "--all", "--topic", TOPIC)).startsWith("0:");
            awaitDeadLetters(2, round);
        }
        String capped = cdcflow("dlq", "redrive", "--all", "--topic", TOPIC);
        assertThat(JSON.readTree(capped.substring(2)).path("capped")).as("records at the cap of 3").hasSize(2);

        // The fix: the registry takes the new schema for this table.
        String subject = TOPIC + "-value";
        HttpResponse<String> relaxed = HTTP.send(HttpRequest.newBuilder(URI.create(Services.url("schema-registry")
                        + "/config/" + subject)).header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("cdc:" + Services.registryPassword())
                        .getBytes(StandardCharsets.UTF_8)))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"NONE\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(relaxed.statusCode()).as(relaxed.body()).isEqualTo(200);
        TimeUnit.SECONDS.sleep(3); // the router's memory of the refusal (rejection-ttl 2s)

        // The first dead letters, never redriven, go back once more, from the console's page in a real browser:
        // every sink converges on the table.
        List<String> first = idsWithCount(0);
        assertThat(first).hasSize(2);
        try (ConsoleBrowser browser = new ConsoleBrowser(Services.url("console-service") + "/")) {
            // The page shows the tables with their rates (two reads of the services, 15 s apart, make a rate).
            await("the console's tables and rates").atMost(DEADLINE).pollInterval(Duration.ofSeconds(3)).untilAsserted(() -> {
                browser.open();
                assertThat(browser.tableRow(TOPIC)).as("the row of " + TOPIC).isNotEmpty();
                assertThat(browser.tableCells()).as("rates").anyMatch(c -> c.matches("[0-9][0-9,]*\\.[0-9]"));
            });
            browser.signIn("ops", Services.registryPassword());
            for (String id : first) {
                browser.open();
                assertThat(browser.redrive(id)).contains("\"redriven\"").contains(id);
            }
            awaitSinksEqualSource("after the redrive from the console");

            // Pausing the table's routing from the page holds its changes back (every sink keeps the old state);
            // resuming lets them through.
            browser.open();
            assertThat(browser.tableAction(TOPIC, "pause")).contains("\"paused\":true");
            sql("UPDATE public." + TABLE + " SET name = 'changed while paused' WHERE id = 2");
            TimeUnit.SECONDS.sleep(8);
            assertThat(rows.redis("cdc:" + TOPIC + ":", Set.of("id", "name")).get("2")).containsEntry("name", "two");
            assertThat(rows.warehouse("inventory_public", TABLE, Set.of("id", "name")).get("2")).containsEntry("name", "two");
            await("the page shows the table paused").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(2))
                    .untilAsserted(() -> {
                        browser.open();
                        assertThat(browser.tableRow(TOPIC)).anyMatch(c -> c.startsWith("paused"));
                    });
            browser.screenshot(Path.of("target/console-browser-test.png"));
            assertThat(browser.tableAction(TOPIC, "resume")).doesNotContain("refused");
            awaitSinksEqualSource("after resuming the table from the console");
        }
        // The warehouse keeps an int column that can no longer follow the source in a new one (cdc_sink.column_versions).
        assertThat(rows.warehouse("inventory_public", TABLE, Set.of("id", "qty__text")))
                .containsEntry("1", Map.of("id", "1", "qty__text", "many"))
                .containsEntry("4", Map.of("id", "4", "qty__text", "lots"));
        long deadLetters = rows.deadLetters();

        // A second redrive of the same records (through the command line) changes nothing in any sink.
        List<String> args = new ArrayList<>(List.of("dlq", "redrive"));
        args.addAll(first);
        assertThat(cdcflow(args.toArray(String[]::new))).startsWith("0:");
        TimeUnit.SECONDS.sleep(5);
        awaitSinksEqualSource("after a second redrive");
        assertThat(rows.deadLetters()).as("nothing dead-lettered by the second redrive").isEqualTo(deadLetters);
        assertThat(cdcflow("dlq", "list", "--topic", TOPIC)).contains("redriven");
    }

    /** Waits until the topic's dead letters include {@code n} with redrive count {@code count}; the list. */
    private static JsonNode awaitDeadLetters(int n, int count) {
        return await("dead letters of " + TOPIC + " with redrive count " + count).atMost(DEADLINE)
                .pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> list(), l -> {
                    int matching = 0;
                    for (JsonNode letter : l.path("letters")) {
                        if (letter.path("redrive_count").asInt() == count) {
                            matching++;
                        }
                    }
                    return matching >= n;
                });
    }

    private static List<String> idsWithCount(int count) throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode letter : list().path("letters")) {
            if (letter.path("redrive_count").asInt() == count) {
                out.add(letter.path("id").asText());
            }
        }
        return out;
    }

    private static JsonNode list() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(Services.url("console-service")
                + "/dlq?topic=" + TOPIC)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** Every sink holds the table's rows; the warehouse compared on the columns it could keep in place. */
    private static void awaitSinksEqualSource(String step) {
        await(step).atMost(DEADLINE).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
            Map<String, Map<String, String>> expected = rows.source(TABLE);
            Set<String> columns = TableRows.columns(expected);
            Map<String, Map<String, String>> idAndName = new java.util.TreeMap<>();
            expected.forEach((k, row) -> idAndName.put(k, Map.of("id", row.get("id"), "name", row.get("name"))));
            assertThat(TableRows.differences(idAndName, rows.warehouse("inventory_public", TABLE, Set.of("id", "name"))))
                    .as("%s: warehouse", step).isEmpty();
            assertThat(TableRows.differences(expected, rows.redis("cdc:" + TOPIC + ":", columns)))
                    .as("%s: redis", step).isEmpty();
            assertThat(TableRows.differences(expected, rows.openSearch("cdc-" + TOPIC, columns)))
                    .as("%s: opensearch", step).isEmpty();
        });
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
