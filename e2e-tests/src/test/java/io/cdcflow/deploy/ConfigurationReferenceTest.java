package io.cdcflow.deploy;

import io.cdcflow.testkit.Stack;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The configuration reference in docs/configuration.md matches the services' @ConfigMapping interfaces. */
class ConfigurationReferenceTest {

    @Test
    void theReferenceListsEveryPropertyOfEveryService() throws Exception {
        Path repo = Stack.home();
        Path doc = repo.resolve("docs/configuration.md");
        String generated = ConfigurationReference.markdown(repo);
        if (Boolean.getBoolean("cdc.config-doc.write")) {
            Files.writeString(doc, generated);
        }
        assertThat(ConfigurationReference.properties(repo).keySet()).contains("capture-service", "router-service",
                "schema-registry", "warehouse-sink", "cache-sink", "search-sink");
        assertThat(generated).contains("`cdc.capture.sources.<name>.tables`", "`cdc.router.registry.url`",
                "`cdc.capture.kafka.<key>`");
        assertThat(Files.exists(doc) ? Files.readString(doc) : "")
                .as("docs/configuration.md is out of date; regenerate it: ./mvnw -pl e2e-tests test "
                        + "-Dtest=ConfigurationReferenceTest -Dcdc.config-doc.write=true")
                .isEqualTo(generated);
    }

    @Test
    void namesAreKebabCase() {
        assertThat(ConfigurationReference.kebab("requireFullReplicaIdentity")).isEqualTo("require-full-replica-identity");
        assertThat(ConfigurationReference.kebab("url")).isEqualTo("url");
    }
}
