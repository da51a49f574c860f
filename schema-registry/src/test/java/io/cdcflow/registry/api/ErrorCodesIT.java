package io.cdcflow.registry.api;

import io.cdcflow.registry.RegistryStoreResource;
import io.cdcflow.registry.store.SchemaStore;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.cdcflow.registry.api.Api.anonymous;
import static io.cdcflow.registry.api.Api.body;
import static io.cdcflow.registry.api.Api.register;
import static io.cdcflow.registry.api.Api.writer;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Every Confluent error code the registry answers, with its HTTP status and body. */
@QuarkusTest
@WithTestResource(RegistryStoreResource.class)
class ErrorCodesIT {

    private static final String V1 = "{'type':'record','name':'R','fields':[{'name':'a','type':'int'}]}";
    private static final String V2 = "{'type':'record','name':'R','fields':[{'name':'a','type':'int'},"
            + "{'name':'b','type':'int','default':0}]}";

    @Inject
    SchemaStore store;

    @BeforeEach
    void empty() {
        RegistryStoreResource.truncate();
        store.clearCache();
    }

    @Test
    void subjectNotFound40401() {
        anonymous().get("/subjects/nobody/versions").then().statusCode(404).body("error_code", equalTo(40401))
                .body("message", containsString("nobody"));
        anonymous().get("/subjects/nobody/versions/latest").then().statusCode(404).body("error_code", equalTo(40401));
        writer().delete("/subjects/nobody").then().statusCode(404).body("error_code", equalTo(40401));
    }

    @Test
    void versionNotFound40402() {
        register("s", null, V1);
        anonymous().get("/subjects/s/versions/2").then().statusCode(404).body("error_code", equalTo(40402));
        writer().delete("/subjects/s/versions/2").then().statusCode(404).body("error_code", equalTo(40402));
    }

    @Test
    void schemaNotFound40403() {
        anonymous().get("/schemas/ids/77").then().statusCode(404).body("error_code", equalTo(40403));
        register("s", null, V1);
        anonymous().body(body(null, V2)).post("/subjects/s").then().statusCode(404).body("error_code", equalTo(40403));
    }

    @Test
    void subjectSoftDeleted40404AndNotSoftDeleted40405() {
        register("s", null, V1);
        writer().queryParam("permanent", true).delete("/subjects/s").then().statusCode(404)
                .body("error_code", equalTo(40405));
        writer().delete("/subjects/s").then().statusCode(200);
        writer().delete("/subjects/s").then().statusCode(404).body("error_code", equalTo(40404));
    }

    @Test
    void versionSoftDeleted40406AndNotSoftDeleted40407() {
        register("s", null, V1);
        register("s", null, V2);
        writer().queryParam("permanent", true).delete("/subjects/s/versions/1").then().statusCode(404)
                .body("error_code", equalTo(40407));
        writer().delete("/subjects/s/versions/1").then().statusCode(200);
        writer().delete("/subjects/s/versions/1").then().statusCode(404).body("error_code", equalTo(40406));
    }

    @Test
    void subjectConfig40408AndMode40409() {
        anonymous().get("/config/s").then().statusCode(404).body("error_code", equalTo(40408));
        writer().delete("/config/s").then().statusCode(404).body("error_code", equalTo(40408));
        anonymous().get("/mode/s").then().statusCode(404).body("error_code", equalTo(40409));
    }

    @Test
    void incompatible409() {
        register("s", null, V1);
        writer().body(body(null, "{'type':'record','name':'R','fields':[{'name':'a','type':'string'}]}"))
                .post("/subjects/s/versions").then().statusCode(409).body("error_code", equalTo(409))
                .body("message", containsString("TYPE_MISMATCH"));
    }

    @Test
    void invalidSchema42201() {
        writer().body(body(null, "{'type':'record'}")).post("/subjects/s/versions").then().statusCode(422)
                .body("error_code", equalTo(42201)).body("message", containsString("AVRO"));
        writer().body(body("JSON", "{'type':'strin'}")).post("/subjects/s/versions").then().statusCode(422)
                .body("error_code", equalTo(42201));
        writer().body(body("PROTOBUF", "syntax = 'proto3';")).post("/subjects/s/versions").then().statusCode(422)
                .body("error_code", equalTo(42201)).body("message", containsString("PROTOBUF is not supported"));
        writer().body("{}").post("/subjects/s/versions").then().statusCode(422).body("error_code", equalTo(42201));
    }

    @Test
    void invalidVersion42202() {
        anonymous().get("/subjects/s/versions/0").then().statusCode(422).body("error_code", equalTo(42202));
        anonymous().get("/subjects/s/versions/first").then().statusCode(422).body("error_code", equalTo(42202));
    }

    @Test
    void invalidCompatibilityLevel42203AndMode42204() {
        writer().body("{\"compatibility\":\"MOSTLY\"}").put("/config").then().statusCode(422)
                .body("error_code", equalTo(42203));
        writer().body("{\"mode\":\"SOMETIMES\"}").put("/mode/s").then().statusCode(422).body("error_code", equalTo(42204));
    }

    @Test
    void operationNotPermitted42205() {
        writer().body("{\"mode\":\"READONLY\"}").put("/mode/s").then().statusCode(200);
        writer().body(body(null, V1)).post("/subjects/s/versions").then().statusCode(422)
                .body("error_code", equalTo(42205));
    }

    @Test
    void malformedBodyAndUnknownPath() {
        writer().body("{not json").post("/subjects/s/versions").then().statusCode(400).body("error_code", equalTo(400));
        anonymous().get("/no/such/path").then().statusCode(404).body("error_code", equalTo(404));
    }
}
