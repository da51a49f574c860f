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
import static io.cdcflow.registry.api.Api.register;
import static io.cdcflow.registry.api.Api.writer;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

/** The /schemas endpoints and schema references. */
@QuarkusTest
@WithTestResource(RegistryStoreResource.class)
class SchemaApiIT {

    private static final String ROW = "{'type':'object','properties':{'id':{'type':'integer','connect.type':'int32'}}}";

    @Inject
    SchemaStore store;

    @BeforeEach
    void empty() {
        RegistryStoreResource.truncate();
        store.clearCache();
    }

    @Test
    void schemaById() {
        int id = register("rows-value", "JSON", ROW);
        anonymous().get("/schemas/ids/{id}", id).then().statusCode(200)
                .body("schema", equalTo(ROW.replace('\'', '"'))).body("schemaType", equalTo("JSON"))
                .body("maxId", nullValue());
        anonymous().queryParam("fetchMaxId", true).get("/schemas/ids/{id}", id).then().body("maxId", equalTo(id));
        int avro = register("users-value", null, avro("{'name':'id','type':'long'}"));
        anonymous().get("/schemas/ids/{id}", avro).then().statusCode(200).body("schemaType", nullValue());
        anonymous().get("/schemas/ids/{id}/schema", id).then().statusCode(200)
                .body("properties.id.'connect.type'", equalTo("int32"));
        anonymous().get("/schemas/ids/4242").then().statusCode(404).body("error_code", equalTo(40403));
    }

    @Test
    void whereASchemaIsUsed() {
        int id = register("a-value", "JSON", ROW);
        register("b-value", "JSON", ROW);
        anonymous().get("/schemas/ids/{id}/versions", id).then().statusCode(200)
                .body("subject", contains("a-value", "b-value")).body("version", contains(1, 1));
        anonymous().get("/schemas/ids/{id}/subjects", id).then().body("", contains("a-value", "b-value"));
        writer().delete("/subjects/b-value").then().statusCode(200);
        anonymous().get("/schemas/ids/{id}/subjects", id).then().body("", contains("a-value"));
        anonymous().queryParam("deleted", true).get("/schemas/ids/{id}/subjects", id)
                .then().body("", contains("a-value", "b-value"));
        anonymous().get("/schemas/ids/999/versions").then().statusCode(404).body("error_code", equalTo(40403));
    }

    @Test
    void supportedTypes() {
        anonymous().get("/schemas/types").then().statusCode(200).body("", containsInAnyOrder("AVRO", "JSON"));
    }

    @Test
    void listsSchemas() {
        register("a-value", "JSON", ROW);
        register("a-value", "JSON", "{'type':'object','properties':{'id':{'type':'integer'},'x':{}}}");
        register("b-value", null, avro("{'name':'id','type':'long'}"));
        anonymous().get("/schemas").then().statusCode(200).body("", hasSize(3));
        anonymous().queryParam("latestOnly", true).get("/schemas").then().body("subject", contains("a-value", "b-value"))
                .body("version", contains(2, 1));
        anonymous().queryParam("subjectPrefix", "b").get("/schemas").then().body("subject", contains("b-value"));
    }

    @Test
    void avroReferencesResolveAndProtectTheReferencedVersion() {
        String address = "{'type':'record','name':'Address','namespace':'io.cdcflow.it','fields':"
                + "[{'name':'city','type':'string'}]}";
        register("address-value", null, address);
        String user = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"io.cdcflow.it\",\"fields\":"
                + "[{\"name\":\"home\",\"type\":\"Address\"}]}";
        String body = "{\"schema\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(user)
                + ",\"references\":[{\"name\":\"io.cdcflow.it.Address\",\"subject\":\"address-value\",\"version\":1}]}";
        int id = writer().body(body).post("/subjects/user-value/versions").then().statusCode(200).extract().path("id");
        anonymous().get("/schemas/ids/{id}", id).then().body("references[0].subject", equalTo("address-value"))
                .body("references[0].version", equalTo(1)).body("schema", equalTo(user));
        anonymous().get("/subjects/address-value/versions/1/referencedby").then().statusCode(200).body("", contains(id));
        writer().delete("/subjects/address-value/versions/1").then().statusCode(422).body("error_code", equalTo(42206));
        // Without the reference the schema does not parse: Address is unknown.
        writer().body(Api.body(null, user)).post("/subjects/user2-value/versions").then().statusCode(422)
                .body("error_code", equalTo(42201));
        String dangling = body.replace("\"version\":1", "\"version\":7");
        writer().body(dangling).post("/subjects/user3-value/versions").then().statusCode(422)
                .body("error_code", equalTo(42201));
    }
}
