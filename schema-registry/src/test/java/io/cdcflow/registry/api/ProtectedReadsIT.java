package io.cdcflow.registry.api;

import io.cdcflow.registry.RegistryStoreResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.cdcflow.registry.api.Api.anonymous;
import static org.hamcrest.Matchers.equalTo;

/** With {@code cdc.registry.auth.protect-reads=true} reads need a credential too; health stays open. */
@QuarkusTest
@TestProfile(ProtectedReadsIT.ProtectReads.class)
@WithTestResource(RegistryStoreResource.class)
class ProtectedReadsIT {

    /** Turns read protection on. */
    public static class ProtectReads implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cdc.registry.auth.protect-reads", "true");
        }
    }

    @Test
    void readsNeedACredential() {
        anonymous().get("/subjects").then().statusCode(401).body("error_code", equalTo(40101));
        anonymous().get("/schemas/ids/1").then().statusCode(401);
        anonymous().get("/config").then().statusCode(401);
        Api.writer().get("/subjects").then().statusCode(200);
        anonymous().header("Authorization", "Bearer it-token").get("/config").then().statusCode(200);
    }

    @Test
    void healthStaysOpen() {
        io.restassured.RestAssured.given().get("/q/health/ready").then().statusCode(200);
    }
}
