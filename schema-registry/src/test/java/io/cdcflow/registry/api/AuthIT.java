package io.cdcflow.registry.api;

import io.cdcflow.registry.RegistryStoreResource;
import io.cdcflow.registry.store.SchemaStore;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static io.cdcflow.registry.api.Api.anonymous;
import static io.cdcflow.registry.api.Api.body;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Writes need a credential (HTTP Basic or a bearer token); reads are open by default. */
@QuarkusTest
@WithTestResource(RegistryStoreResource.class)
class AuthIT {

    private static final String SCHEMA = "{\"type\":\"string\"}";

    @Inject
    SchemaStore store;

    @BeforeEach
    void empty() {
        RegistryStoreResource.truncate();
        store.clearCache();
    }

    private static final List<Function<RequestSpecification, io.restassured.response.Response>> WRITES = List.of(
            r -> r.body(body(null, SCHEMA)).post("/subjects/s-value/versions"),
            r -> r.delete("/subjects/s-value"),
            r -> r.delete("/subjects/s-value/versions/1"),
            r -> r.body("{\"compatibility\":\"NONE\"}").put("/config"),
            r -> r.body("{\"compatibility\":\"NONE\"}").put("/config/s-value"),
            r -> r.delete("/config"),
            r -> r.delete("/config/s-value"),
            r -> r.body("{\"mode\":\"READONLY\"}").put("/mode"),
            r -> r.body("{\"mode\":\"READONLY\"}").put("/mode/s-value"),
            r -> r.delete("/mode/s-value"));

    @Test
    void everyWriteWithoutACredentialIsRefused() {
        for (var write : WRITES) {
            write.apply(anonymous()).then().statusCode(401).body("error_code", equalTo(40101))
                    .header("WWW-Authenticate", containsString("Basic"));
        }
        anonymous().get("/subjects").then().statusCode(200).body("size()", equalTo(0));
        anonymous().get("/config").then().body("compatibilityLevel", equalTo("BACKWARD"));
    }

    @Test
    void aWrongPasswordOrUnknownUserIsRefused() {
        anonymous().auth().preemptive().basic("cdc", "wrong").body(body(null, SCHEMA))
                .post("/subjects/s-value/versions").then().statusCode(401);
        anonymous().auth().preemptive().basic("mallory", "cdc").body(body(null, SCHEMA))
                .post("/subjects/s-value/versions").then().statusCode(401);
        anonymous().header("Authorization", "Bearer not-the-token").body(body(null, SCHEMA))
                .post("/subjects/s-value/versions").then().statusCode(401);
        anonymous().get("/subjects").then().body("size()", equalTo(0));
    }

    @Test
    void basicAndBearerCredentialsAreAccepted() {
        Api.writer().body(body(null, SCHEMA)).post("/subjects/s-value/versions").then().statusCode(200);
        anonymous().header("Authorization", "Bearer it-token").body("{\"compatibility\":\"FULL\"}")
                .put("/config/s-value").then().statusCode(200);
        anonymous().get("/config/s-value").then().body("compatibilityLevel", equalTo("FULL"));
    }

    @Test
    void readsThatPostAreOpen() {
        Api.writer().body(body(null, SCHEMA)).post("/subjects/s-value/versions").then().statusCode(200);
        anonymous().body(body(null, SCHEMA)).post("/subjects/s-value").then().statusCode(200);
        anonymous().body(body(null, SCHEMA)).post("/compatibility/subjects/s-value/versions/latest").then()
                .statusCode(200);
    }
}
