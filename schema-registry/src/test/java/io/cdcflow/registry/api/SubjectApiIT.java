package io.cdcflow.registry.api;

import io.cdcflow.registry.RegistryStoreResource;
import io.cdcflow.registry.store.SchemaStore;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.cdcflow.registry.api.Api.avro;
import static io.cdcflow.registry.api.Api.body;
import static io.cdcflow.registry.api.Api.json;
import static io.cdcflow.registry.api.Api.register;
import static io.cdcflow.registry.api.Api.writer;
import static io.cdcflow.registry.api.Api.anonymous;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/** The /subjects endpoints, one by one, against the store PostgreSQL of the local stack. */
@QuarkusTest
@WithTestResource(RegistryStoreResource.class)
class SubjectApiIT {

    private static final String USER = avro("{'name':'id','type':'long'}");
    private static final String USER_V2 = avro("{'name':'id','type':'long'},{'name':'name','type':'string','default':''}");

    @Inject
    SchemaStore store;

    @BeforeEach
    void empty() {
        RegistryStoreResource.truncate();
        store.clearCache();
    }

    @Test
    void registerReturnsAnIdAndTheSameSchemaGetsTheSameIdAndNoNewVersion() {
        int id = register("users-value", null, USER);
        int again = register("users-value", "AVRO", USER.replace(",", " , "));
        assertThat(again).isEqualTo(id);
        anonymous().get("/subjects/users-value/versions").then().statusCode(200).body("", contains(1));
    }

    @Test
    void anIdenticalSchemaInAnotherSubjectReusesTheId() {
        int a = register("a-value", "JSON", json("'id':{'type':'integer'}", "'id'"));
        int b = register("b-value", "JSON", json("'id':{'type':'integer'}", "'id'"));
        assertThat(b).isEqualTo(a);
        int other = register("c-value", "JSON", json("'id':{'type':'string'}", "'id'"));
        assertThat(other).isNotEqualTo(a);
    }

    @Test
    void listsSubjectsWithPrefixAndDeletedFlags() {
        register("orders-value", null, USER);
        register("users-value", null, USER);
        anonymous().get("/subjects").then().statusCode(200).body("", contains("orders-value", "users-value"));
        anonymous().queryParam("subjectPrefix", "us").get("/subjects").then().body("", contains("users-value"));
        writer().delete("/subjects/orders-value").then().statusCode(200);
        anonymous().get("/subjects").then().body("", contains("users-value"));
        anonymous().queryParam("deleted", true).get("/subjects").then().body("", contains("orders-value", "users-value"));
        anonymous().queryParam("deletedOnly", true).get("/subjects").then().body("", contains("orders-value"));
    }

    @Test
    void readsAVersionByNumberLatestAndMinusOneAndItsRawSchema() {
        int v1 = register("users-value", null, USER);
        int v2 = register("users-value", null, USER_V2);
        anonymous().get("/subjects/users-value/versions/1").then().statusCode(200)
                .body("subject", equalTo("users-value")).body("version", equalTo(1)).body("id", equalTo(v1))
                .body("schemaType", nullValue()).body("schema", equalTo(USER.replace('\'', '"')));
        anonymous().get("/subjects/users-value/versions/latest").then().body("version", equalTo(2)).body("id", equalTo(v2));
        anonymous().get("/subjects/users-value/versions/-1").then().body("version", equalTo(2));
        anonymous().get("/subjects/users-value/versions/1/schema").then().statusCode(200)
                .body("name", equalTo("User")).body("fields[0].name", equalTo("id"));
        int json = register("rows-value", "JSON", json("'id':{'type':'integer'}", "'id'"));
        anonymous().get("/subjects/rows-value/versions/latest").then().body("schemaType", equalTo("JSON"))
                .body("id", equalTo(json));
    }

    @Test
    void looksUpASchemaInASubject() {
        int id = register("users-value", null, USER);
        register("users-value", null, USER_V2);
        anonymous().body(body(null, USER)).post("/subjects/users-value").then().statusCode(200)
                .body("id", equalTo(id)).body("version", equalTo(1)).body("subject", equalTo("users-value"));
        anonymous().body(body(null, avro("{'name':'x','type':'int'}"))).post("/subjects/users-value")
                .then().statusCode(404).body("error_code", equalTo(40403));
        anonymous().body(body(null, USER)).post("/subjects/nobody-value").then().statusCode(404)
                .body("error_code", equalTo(40401));
    }

    @Test
    void lookUpWithNormalizeFindsAKeyReorderedSchema() {
        String a = "{'type':'object','properties':{'x':{'type':'integer'},'y':{'type':'string'}}}";
        String b = "{'properties':{'y':{'type':'string'},'x':{'type':'integer'}},'type':'object'}";
        int id = writer().queryParam("normalize", true).body(body("JSON", a)).post("/subjects/n-value/versions")
                .then().statusCode(200).extract().path("id");
        anonymous().body(body("JSON", b)).post("/subjects/n-value").then().statusCode(404);
        anonymous().queryParam("normalize", true).body(body("JSON", b)).post("/subjects/n-value")
                .then().statusCode(200).body("id", equalTo(id));
        int again = writer().queryParam("normalize", true).body(body("JSON", b)).post("/subjects/n-value/versions")
                .then().statusCode(200).extract().path("id");
        assertThat(again).isEqualTo(id);
    }

    @Test
    void softDeletedVersionsHideUnlessAskedAndNumbersAreNeverReused() {
        register("users-value", null, USER);
        register("users-value", null, USER_V2);
        writer().delete("/subjects/users-value/versions/2").then().statusCode(200).body(equalTo("2"));
        anonymous().get("/subjects/users-value/versions").then().body("", contains(1));
        anonymous().queryParam("deleted", true).get("/subjects/users-value/versions").then().body("", contains(1, 2));
        anonymous().get("/subjects/users-value/versions/2").then().statusCode(404).body("error_code", equalTo(40402));
        anonymous().queryParam("deleted", true).get("/subjects/users-value/versions/2").then().statusCode(200)
                .body("version", equalTo(2));
        anonymous().queryParam("deleted", true).body(body(null, USER_V2)).post("/subjects/users-value")
                .then().statusCode(200).body("version", equalTo(2));
        writer().queryParam("permanent", true).delete("/subjects/users-value/versions/2").then().statusCode(200);
        anonymous().queryParam("deleted", true).get("/subjects/users-value/versions").then().body("", contains(1));
        // Registering the deleted schema again gives a new number: 3, not 2.
        register("users-value", null, USER_V2);
        anonymous().get("/subjects/users-value/versions").then().body("", contains(1, 3));
    }

    @Test
    void deletingASubjectIsSoftThenPermanent() {
        int id = register("users-value", null, USER);
        register("users-value", null, USER_V2);
        writer().delete("/subjects/users-value").then().statusCode(200).body("", contains(1, 2));
        anonymous().get("/subjects/users-value/versions").then().statusCode(404).body("error_code", equalTo(40401));
        // A soft-deleted schema is still readable by id: consumers may still hold its records.
        anonymous().get("/schemas/ids/{id}", id).then().statusCode(200);
        writer().queryParam("permanent", true).delete("/subjects/users-value").then().statusCode(200)
                .body("", contains(1, 2));
        anonymous().queryParam("deleted", true).get("/subjects").then().body("", org.hamcrest.Matchers.empty());
        anonymous().get("/schemas/ids/{id}", id).then().statusCode(404).body("error_code", equalTo(40403));
        register("users-value", null, USER);
        anonymous().get("/subjects/users-value/versions").then().body("", contains(3));
    }

    @Test
    void answersInEveryConfluentContentType() {
        register("users-value", null, USER);
        for (String type : new String[] {"application/vnd.schemaregistry.v1+json", "application/vnd.schemaregistry+json",
                "application/json"}) {
            io.restassured.RestAssured.given().accept(type).get("/subjects").then().statusCode(200)
                    .contentType(org.hamcrest.Matchers.startsWith(type));
            io.restassured.RestAssured.given().auth().preemptive().basic("cdc", "cdc").contentType(type)
                    .body(body(null, USER_V2)).post("/subjects/users-value/versions").then().statusCode(200);
        }
        io.restassured.RestAssured.given().get("/subjects").then().statusCode(200)
                .contentType(org.hamcrest.Matchers.startsWith(Api.V1));
        anonymous().get("/").then().statusCode(200).body(equalTo("{}"));
    }
}
