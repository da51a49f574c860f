package io.cdcflow.registry.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.cdcflow.registry.api.Api.anonymous;
import static io.cdcflow.registry.api.Api.body;
import static org.hamcrest.Matchers.equalTo;

/** A database that cannot be reached answers Confluent's store error 50001, and readiness reports DOWN. */
@QuarkusTest
@TestProfile(StoreDownIT.NoDatabase.class)
class StoreDownIT {

    /** Points the registry at a port where nothing listens, without migrating at start-up. */
    public static class NoDatabase implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:1/registry",
                    "quarkus.datasource.jdbc.acquisition-timeout", "2S",
                    "quarkus.flyway.migrate-at-start", "false");
        }
    }

    @Test
    void answers50001() {
        anonymous().get("/subjects").then().statusCode(500).body("error_code", equalTo(50001));
        Api.writer().body(body(null, "\"string\"")).post("/subjects/s/versions").then().statusCode(500)
                .body("error_code", equalTo(50001));
    }

    @Test
    void readinessIsDown() {
        io.restassured.RestAssured.given().get("/q/health/ready").then().statusCode(503);
    }
}
