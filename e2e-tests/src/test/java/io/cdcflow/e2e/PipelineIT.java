package io.cdcflow.e2e;

import io.cdcflow.testkit.Services;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The walking skeleton, end to end on real servers: rows inserted, updated and deleted in the source PostgreSQL
 * travel through capture-service (Debezium, pgoutput), Kafka, router-service (registered with schema-registry) and
 * reach the warehouse, Redis and OpenSearch in their final state.
 */
class PipelineIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);

    static final String WAREHOUSE_SCHEMA = "inventory_public";
    static final String REDIS_PREFIX = "cdc:inventory.public.";
    static final String INDEX_PREFIX = "cdc-inventory.public.";

    private static SourceDatabase source;
    private static Sinks sinks;

    @BeforeAll
    static void startEverything() throws Exception {
        StackEndpoints stack = Stack.up();
        source = new SourceDatabase(stack);
        source.createSchema();
        Services.up();
        sinks = new Sinks(stack);
    }

    @AfterAll
    static void close() throws Exception {
        if (sinks != null) {
            sinks.close();
        }
        if (source != null) {
            source.close();
        }
    }

    @Test
    void insertsUpdatesAndDeletesReachEverySink() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        long kept = source.queryLong("INSERT INTO customers (first_name, last_name, email) VALUES (?, ?, ?) RETURNING id",
                "Ada", "Lovelace", "ada." + tag + "@example.com");
        source.execute("UPDATE customers SET email = ?, updated_at = now() WHERE id = ?", "ada.updated." + tag + "@example.com", kept);
        long gone = source.queryLong("INSERT INTO customers (first_name, last_name, email) VALUES (?, ?, ?) RETURNING id",
                "Bob", "Gone", "bob." + tag + "@example.com");
        source.execute("DELETE FROM customers WHERE id = ?", gone);
        long product = source.queryLong("INSERT INTO products (name, weight_kg, price) VALUES (?, ?, ?) RETURNING id",
                "Widget " + tag, new BigDecimal("1.250"), new BigDecimal("12.34"));

        String expectedEmail = "ada.updated." + tag + "@example.com";
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(sinks.warehouseRow(WAREHOUSE_SCHEMA, "customers", kept))
                    .hasValueSatisfying(row -> assertThat(row.get("email")).isEqualTo(expectedEmail));
            assertThat(sinks.redisRow(REDIS_PREFIX + "customers:" + kept))
                    .hasValueSatisfying(row -> assertThat(row.get("email").asText()).isEqualTo(expectedEmail));
            assertThat(sinks.searchDocument(INDEX_PREFIX + "customers", Long.toString(kept)))
                    .hasValueSatisfying(doc -> assertThat(doc.get("email").asText()).isEqualTo(expectedEmail));
        });
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(sinks.warehouseRow(WAREHOUSE_SCHEMA, "customers", gone)).isEmpty();
            assertThat(sinks.redisRow(REDIS_PREFIX + "customers:" + gone)).isEmpty();
            assertThat(sinks.redisPosition(REDIS_PREFIX + "customers:" + gone)).as("the delete's tombstone").isPresent();
            assertThat(sinks.searchDocument(INDEX_PREFIX + "customers", Long.toString(gone))).isEmpty();
            assertThat(sinks.warehouseRow(WAREHOUSE_SCHEMA, "products", product))
                    .hasValueSatisfying(row -> assertThat((BigDecimal) row.get("price")).isEqualByComparingTo("12.34"));
            assertThat(sinks.searchDocument(INDEX_PREFIX + "products", Long.toString(product))).isPresent();
        });
    }

    @Test
    void afterAWorkloadEverySinkHoldsExactlyTheSourceRows() throws Exception {
        try (StoreStates states = new StoreStates(Stack.up())) {
            states.takeBaseline();
            source.execute("CALL inventory_workload(100)");
            // Every table compared row by row, on its key and the columns the workload changes, in every sink:
            // 0 missing, 0 extra, 0 stale.
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
                StoreStates.State expected = states.source();
                assertThat(expected.tables().get("orders")).as("rows the workload wrote").isNotEmpty();
                assertThat(RowDiff.between(expected, states.warehouse())).as("warehouse missing/extra/stale")
                        .isEqualTo(new RowDiff(0, 0, 0));
                assertThat(RowDiff.between(expected, states.redis())).as("redis missing/extra/stale")
                        .isEqualTo(new RowDiff(0, 0, 0));
                assertThat(RowDiff.between(expected, states.openSearch())).as("opensearch missing/extra/stale")
                        .isEqualTo(new RowDiff(0, 0, 0));
            });
        }
    }
}
