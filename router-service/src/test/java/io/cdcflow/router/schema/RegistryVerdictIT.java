package io.cdcflow.router.schema;

import io.apicurio.registry.utils.converter.avro.AvroData;
import io.apicurio.registry.utils.converter.avro.AvroDataConfig;
import io.cdcflow.model.Json;
import io.cdcflow.testkit.Services;
import org.apache.avro.SchemaCompatibility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The schema registry's BACKWARD verdict for each DDL statement of issue 13, asked over its Confluent API, (1) for
 * Debezium's own Avro schemas of the table (Kafka Connect's AvroData on the connector's Connect schemas, as
 * AvroConverter registers them): it must be the one the Confluent registry gives, which decides Avro compatibility
 * with Avro's own checker; (2) for the schemas the router registers: compatible for every ordinary DDL.
 */
class RegistryVerdictIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final AvroData DEBEZIUM = new AvroData(new AvroDataConfig.Builder()
            .with(AvroDataConfig.CONNECT_META_DATA_CONFIG, true).build());
    private static final EnvelopeSchemas ROUTER = new EnvelopeSchemas();
    private static String registry;

    @BeforeAll
    static void registry() {
        Services.up("schema-registry");
        registry = Services.url("schema-registry");
    }

    @Test
    void theVerdictOnDebeziumsAvroSchemasIsAvrosAndTheRoutersSchemasEvolveCompatibly() throws Exception {
        StringBuilder table = new StringBuilder("DDL | Debezium schemas: registry / Avro checker | router schemas\n");
        for (DdlCases.Case c : DdlCases.all()) {
            org.apache.avro.Schema before = DEBEZIUM.fromConnectSchema(c.before());
            org.apache.avro.Schema after = DEBEZIUM.fromConnectSchema(c.after());
            boolean avro = SchemaCompatibility.checkReaderWriterCompatibility(after, before).getType()
                    == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
            boolean debezium = verdict(before.toString(), after.toString());
            boolean router = verdict(ROUTER.valueSchema(c.before()).toString(), ROUTER.valueSchema(c.after()).toString());
            table.append(c.ddl()).append(" | ").append(debezium).append(" / ").append(avro).append(" | ").append(router)
                    .append('\n');
            assertThat(debezium).as("registry on Debezium's schemas: " + c.ddl()).isEqualTo(avro);
            assertThat(router).as("registry on the router's schemas: " + c.ddl()).isEqualTo(c.compatible());
        }
        System.out.println(table);
    }

    /** Registers {@code first} in a new subject, then asks whether {@code next} is compatible with it. */
    private static boolean verdict(String first, String next) throws Exception {
        String subject = "verdict-" + UUID.randomUUID() + "-value";
        HttpResponse<String> created = post("/subjects/" + subject + "/versions", first);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        HttpResponse<String> answer = post("/compatibility/subjects/" + subject + "/versions/latest", next);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return Json.mapper().readTree(answer.body()).path("is_compatible").asBoolean();
    }

    private static HttpResponse<String> post(String path, String schema) throws Exception {
        String body = Json.mapper().createObjectNode().put("schema", schema).toString();
        return HTTP.send(HttpRequest.newBuilder(URI.create(registry + path))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        ("cdc:" + Services.registryPassword()).getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
