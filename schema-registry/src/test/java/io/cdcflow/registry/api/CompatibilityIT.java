package io.cdcflow.registry.api;

import io.cdcflow.registry.RegistryStoreResource;
import io.cdcflow.registry.store.SchemaStore;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.cdcflow.registry.api.Api.anonymous;
import static io.cdcflow.registry.api.Api.avro;
import static io.cdcflow.registry.api.Api.body;
import static io.cdcflow.registry.api.Api.json;
import static io.cdcflow.registry.api.Api.register;
import static io.cdcflow.registry.api.Api.writer;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

/**
 * Each of the seven compatibility levels, with Avro and JSON Schema, on Confluent's documented kinds of change
 * (add or delete a field, optional or required), enforced at registration (409) and reported by /compatibility.
 */
@QuarkusTest
@WithTestResource(RegistryStoreResource.class)
class CompatibilityIT {

    private static final String A = avro("{'name':'a','type':'string'}");
    private static final String A_B = avro("{'name':'a','type':'string'},{'name':'b','type':'string'}");
    private static final String A_OPT_B = avro("{'name':'a','type':'string'},{'name':'b','type':'string','default':'x'}");
    private static final String J_A = json("'a':{'type':'string'}", "'a'");
    private static final String J_A_OPT_B = json("'a':{'type':'string'},'b':{'type':'string'}", "'a'");
    private static final String J_A_B = json("'a':{'type':'string'},'b':{'type':'string'}", "'a','b'");
    private static final String J_A_DEF_B = json("'a':{'type':'string'},'b':{'type':'string','default':'x'}", "'a','b'");

    private static final String[] LEVELS = {"NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE",
            "FULL", "FULL_TRANSITIVE"};

    @Inject
    SchemaStore store;

    @BeforeEach
    void empty() {
        RegistryStoreResource.truncate();
        store.clearCache();
    }

    /** A history registered in order, a candidate, and per level (in {@link #LEVELS} order) whether it is accepted. */
    private record Scenario(String name, String type, List<String> history, String candidate, String expected) {
    }

    private static final List<Scenario> SCENARIOS = List.of(
            // expected: one letter per level: NONE, B, BT, F, FT, FULL, FULLT (y = accepted).
            new Scenario("avro: add a required field", null, List.of(A), A_B, "ynnyynn"),
            new Scenario("avro: delete a required field", null, List.of(A_B), A, "yyynnnn"),
            new Scenario("avro: add an optional field", null, List.of(A), A_OPT_B, "yyyyyyy"),
            new Scenario("avro: make b required after it had a default", null, List.of(A, A_OPT_B), A_B, "yynyyyn"),
            new Scenario("avro: delete b after it gained a default", null, List.of(A_B, A_OPT_B), A, "yyyynyn"),
            new Scenario("json: add a required property", "JSON", List.of(J_A), J_A_B, "ynnnnnn"),
            new Scenario("json: add an optional property (closed model)", "JSON", List.of(J_A), J_A_OPT_B, "yyynnnn"),
            new Scenario("json: delete an optional property (closed model)", "JSON", List.of(J_A_OPT_B), J_A, "ynnyynn"),
            new Scenario("json: make b required after it had a default", "JSON", List.of(J_A_OPT_B, J_A_DEF_B), J_A_B,
                    "yynyyyn"),
            new Scenario("json: make b optional after a default", "JSON", List.of(J_A_B, J_A_DEF_B), J_A_OPT_B,
                    "yyyynyn"));

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (int n = 0; n < SCENARIOS.size(); n++) {
            Scenario s = SCENARIOS.get(n);
            for (int i = 0; i < LEVELS.length; i++) {
                cases.add(Arguments.of(s.name() + " under " + LEVELS[i], n, LEVELS[i], s.expected().charAt(i) == 'y'));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void levelDecidesRegistration(String name, int index, String level, boolean accepted) {
        Scenario scenario = SCENARIOS.get(index);
        String subject = Api.subject("compat");
        Api.level(subject, level);
        for (String schema : scenario.history()) {
            register(subject, scenario.type(), schema);
        }
        anonymous().body(body(scenario.type(), scenario.candidate())).post("/compatibility/subjects/{s}/versions", subject)
                .then().statusCode(200).body("is_compatible", equalTo(accepted));
        if (accepted) {
            register(subject, scenario.type(), scenario.candidate());
        } else {
            writer().body(body(scenario.type(), scenario.candidate())).post("/subjects/{s}/versions", subject)
                    .then().statusCode(409).body("error_code", equalTo(409))
                    .body("message", containsString("incompatible with an earlier schema"));
        }
    }

    @Test
    void verboseAnswersSayWhy() {
        register("users-value", null, A);
        anonymous().queryParam("verbose", true).body(body(null, A_B))
                .post("/compatibility/subjects/users-value/versions/latest").then().statusCode(200)
                .body("is_compatible", equalTo(false))
                .body("messages", hasItem(containsString("READER_FIELD_MISSING_DEFAULT_VALUE")))
                .body("messages", hasItem("{oldSchemaVersion: 1}"))
                .body("messages", hasItem("{compatibility: 'BACKWARD'}"));
        anonymous().body(body(null, A_B)).post("/compatibility/subjects/users-value/versions/1").then()
                .body("is_compatible", equalTo(false)).body("messages", nullValue());
        anonymous().queryParam("verbose", true).body(body(null, A_OPT_B))
                .post("/compatibility/subjects/users-value/versions/latest").then()
                .body("is_compatible", equalTo(true));
        register("rows-value", "JSON", J_A);
        anonymous().queryParam("verbose", true).body(body("JSON", J_A_B))
                .post("/compatibility/subjects/rows-value/versions/latest").then()
                .body("is_compatible", equalTo(false))
                .body("messages", hasItem(containsString("REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL")));
    }

    @Test
    void aGivenVersionIsCheckedEvenUnderANonTransitiveLevel() {
        register("users-value", null, A);
        register("users-value", null, A_OPT_B);
        anonymous().body(body(null, A_B)).post("/compatibility/subjects/users-value/versions/latest").then()
                .body("is_compatible", equalTo(true));
        anonymous().body(body(null, A_B)).post("/compatibility/subjects/users-value/versions/1").then()
                .body("is_compatible", equalTo(false));
    }

    @Test
    void compatibilityAgainstMissingSubjectsOrVersions() {
        anonymous().body(body(null, A)).post("/compatibility/subjects/nobody-value/versions/latest").then()
                .statusCode(404).body("error_code", equalTo(40401));
        anonymous().body(body(null, A)).post("/compatibility/subjects/nobody-value/versions").then()
                .statusCode(200).body("is_compatible", equalTo(true));
        register("users-value", null, A);
        anonymous().body(body(null, A)).post("/compatibility/subjects/users-value/versions/9").then()
                .statusCode(404).body("error_code", equalTo(40402));
        anonymous().body(body(null, A)).post("/compatibility/subjects/users-value/versions/zero").then()
                .statusCode(422).body("error_code", equalTo(42202));
    }

    @Test
    void aSchemaOfAnotherTypeIsIncompatible() {
        register("users-value", null, A);
        writer().body(body("JSON", J_A)).post("/subjects/users-value/versions").then().statusCode(409)
                .body("message", containsString("SCHEMA_TYPE_CHANGED"));
    }
}
