package io.cdcflow.registry.api;

import io.cdcflow.registry.RegistryStoreResource;
import io.cdcflow.registry.store.SchemaStore;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.cdcflow.registry.api.Api.anonymous;
import static io.cdcflow.registry.api.Api.avro;
import static io.cdcflow.registry.api.Api.body;
import static io.cdcflow.registry.api.Api.register;
import static io.cdcflow.registry.api.Api.writer;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

/** /config and /mode, global and per subject, and their effect on registration. */
@QuarkusTest
@WithTestResource(RegistryStoreResource.class)
class ConfigAndModeIT {

    private static final String V1 = avro("{'name':'id','type':'long'}");
    private static final String V2_REQUIRED = avro("{'name':'id','type':'long'},{'name':'x','type':'string'}");

    @Inject
    SchemaStore store;

    @BeforeEach
    void empty() {
        RegistryStoreResource.truncate();
        store.clearCache();
    }

    @Test
    void globalCompatibilityDefaultsToBackwardAndCanBeChangedAndReset() {
        anonymous().get("/config").then().statusCode(200).body("compatibilityLevel", equalTo("BACKWARD"));
        writer().body("{\"compatibility\":\"full_transitive\"}").put("/config").then().statusCode(200)
                .body("compatibility", equalTo("FULL_TRANSITIVE"));
        anonymous().get("/config").then().body("compatibilityLevel", equalTo("FULL_TRANSITIVE"));
        writer().delete("/config").then().statusCode(200).body("compatibilityLevel", equalTo("FULL_TRANSITIVE"));
        anonymous().get("/config").then().body("compatibilityLevel", equalTo("BACKWARD"));
    }

    @Test
    void subjectCompatibilityOverridesTheGlobalOne() {
        anonymous().get("/config/users-value").then().statusCode(404).body("error_code", equalTo(40408));
        anonymous().queryParam("defaultToGlobal", true).get("/config/users-value").then().statusCode(200)
                .body("compatibilityLevel", equalTo("BACKWARD"));
        register("users-value", null, V1);
        writer().body(body(null, V2_REQUIRED)).post("/subjects/users-value/versions").then().statusCode(409);
        writer().body("{\"compatibility\":\"NONE\"}").put("/config/users-value").then().statusCode(200)
                .body("compatibility", equalTo("NONE"));
        anonymous().get("/config/users-value").then().body("compatibilityLevel", equalTo("NONE"));
        register("users-value", null, V2_REQUIRED);
        writer().delete("/config/users-value").then().statusCode(200).body("compatibilityLevel", equalTo("NONE"));
        anonymous().get("/config/users-value").then().statusCode(404).body("error_code", equalTo(40408));
    }

    @Test
    void globalLevelAppliesToSubjectsWithoutTheirOwn() {
        writer().body("{\"compatibility\":\"NONE\"}").put("/config").then().statusCode(200);
        register("users-value", null, V1);
        register("users-value", null, V2_REQUIRED);
        anonymous().get("/subjects/users-value/versions").then().body("", contains(1, 2));
    }

    @Test
    void normalizeCanBeConfigured() {
        writer().body("{\"normalize\":true}").put("/config/n-value").then().statusCode(200)
                .body("normalize", equalTo(true));
        int id = register("n-value", "JSON", "{'type':'object','properties':{'b':{},'a':{}}}");
        anonymous().get("/schemas/ids/{id}", id).then()
                .body("schema", equalTo("{\"properties\":{\"a\":{},\"b\":{}},\"type\":\"object\"}"));
    }

    @Test
    void modesDefaultToReadWriteAndReadOnlyRefusesChanges() {
        anonymous().get("/mode").then().statusCode(200).body("mode", equalTo("READWRITE"));
        anonymous().get("/mode/users-value").then().statusCode(404).body("error_code", equalTo(40409));
        anonymous().queryParam("defaultToGlobal", true).get("/mode/users-value").then().body("mode", equalTo("READWRITE"));
        register("users-value", null, V1);
        writer().body("{\"mode\":\"READONLY\"}").put("/mode/users-value").then().statusCode(200)
                .body("mode", equalTo("READONLY"));
        anonymous().get("/mode/users-value").then().body("mode", equalTo("READONLY"));
        writer().body(body(null, avro("{'name':'id','type':'long'},{'name':'y','type':'int','default':0}")))
                .post("/subjects/users-value/versions").then().statusCode(422).body("error_code", equalTo(42205));
        writer().delete("/subjects/users-value").then().statusCode(422).body("error_code", equalTo(42205));
        register("other-value", null, V1);
        writer().delete("/mode/users-value").then().statusCode(200).body("mode", equalTo("READONLY"));
        writer().delete("/subjects/users-value").then().statusCode(200);
    }

    @Test
    void globalReadOnlyModeAppliesEverywhere() {
        writer().body("{\"mode\":\"READONLY\"}").put("/mode").then().statusCode(200);
        writer().body(body(null, V1)).post("/subjects/users-value/versions").then().statusCode(422)
                .body("error_code", equalTo(42205));
        writer().body("{\"mode\":\"READWRITE\"}").put("/mode").then().statusCode(200);
        register("users-value", null, V1);
    }

    @Test
    void importModeTakesIdsAndVersionsFromTheClient() {
        register("users-value", null, V1);
        writer().body("{\"mode\":\"IMPORT\"}").put("/mode").then().statusCode(422).body("error_code", equalTo(42205));
        writer().queryParam("force", true).body("{\"mode\":\"IMPORT\"}").put("/mode").then().statusCode(200)
                .body("mode", equalTo("IMPORT"));
        String imported = "{\"schema\":\"\\\"string\\\"\",\"id\":100,\"version\":5}";
        writer().body(imported).post("/subjects/imported-value/versions").then().statusCode(200).body("id", equalTo(100));
        anonymous().get("/subjects/imported-value/versions/5").then().statusCode(200).body("id", equalTo(100));
        writer().body("{\"schema\":\"\\\"int\\\"\",\"id\":100,\"version\":6}").post("/subjects/imported-value/versions")
                .then().statusCode(422).body("error_code", equalTo(42205));
        writer().body("{\"mode\":\"READWRITE\"}").put("/mode").then().statusCode(200);
        // New ids continue after the imported one.
        int next = register("next-value", null, "\"boolean\"");
        org.assertj.core.api.Assertions.assertThat(next).isGreaterThan(100);
        writer().body("{\"schema\":\"\\\"bytes\\\"\",\"id\":200}").post("/subjects/x-value/versions").then()
                .statusCode(422).body("error_code", equalTo(42205));
    }

    @Test
    void invalidLevelsAndModesAreRefused() {
        writer().body("{\"compatibility\":\"SIDEWAYS\"}").put("/config").then().statusCode(422)
                .body("error_code", equalTo(42203));
        writer().body("{\"compatibility\":\"SIDEWAYS\"}").put("/config/users-value").then().statusCode(422)
                .body("error_code", equalTo(42203));
        writer().body("{\"mode\":\"WRITEONLY\"}").put("/mode").then().statusCode(422).body("error_code", equalTo(42204));
    }
}
