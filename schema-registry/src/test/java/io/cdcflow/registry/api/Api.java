package io.cdcflow.registry.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

import java.util.UUID;

/** RestAssured shortcuts for the registry's API, as a Confluent client calls it. */
final class Api {

    static final String V1 = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Api() {
    }

    /** A request without credential. */
    static RequestSpecification anonymous() {
        return RestAssured.given().contentType(V1).accept(V1);
    }

    /** A request with the test profile's credential (cdc:cdc). */
    static RequestSpecification writer() {
        return anonymous().auth().preemptive().basic("cdc", "cdc");
    }

    /** A register/look-up body; apostrophes in {@code schema} become double quotes. */
    static String body(String type, String schema) {
        ObjectNode body = MAPPER.createObjectNode().put("schema", schema.replace('\'', '"'));
        if (type != null) {
            body.put("schemaType", type);
        }
        return body.toString();
    }

    /** Registers and returns the id, failing on any other status than 200. */
    static int register(String subject, String type, String schema) {
        return writer().body(body(type, schema)).post("/subjects/{s}/versions", subject)
                .then().statusCode(200).extract().path("id");
    }

    /** An Avro record {@code User} with the given fields (apostrophes for quotes). */
    static String avro(String fields) {
        return "{'type':'record','name':'User','namespace':'io.cdcflow.it','fields':[" + fields + "]}";
    }

    /** A closed JSON Schema object with the given properties and required names. */
    static String json(String properties, String required) {
        return "{'type':'object','properties':{" + properties + "},'required':[" + required
                + "],'additionalProperties':false}";
    }

    /** A subject name no other test uses. */
    static String subject(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8) + "-value";
    }

    /** Sets a subject's compatibility level. */
    static void level(String subject, String level) {
        writer().body("{\"compatibility\":\"" + level + "\"}").put("/config/{s}", subject).then().statusCode(200);
    }
}
