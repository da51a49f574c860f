package io.cdcflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml cannot run here (no Docker engine), so this reads it and checks it against the service
 * modules: a compose service per module built from its Dockerfile, the port it listens on, only environment
 * variables the service reads and every one it needs, health checks everywhere, start order by health.
 */
class ComposeFileTest {

    /** The server a variable points at, as named in docker-compose.yml: the service must wait for it. */
    private static final Map<String, String> SERVER_OF_VARIABLE = Map.of(
            "CDC_KAFKA_BOOTSTRAP", "kafka",
            "CDC_REGISTRY_URL", "schema-registry",
            "CDC_SOURCE_PG_HOST", "postgres-source",
            "CDC_STORE_PG_HOST", "postgres-store",
            "CDC_REDIS_HOST", "redis",
            "CDC_OPENSEARCH_URL", "opensearch");

    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() {
        Map<String, Object> compose = new Yaml().load(Repository.read(Repository.root().resolve("docker-compose.yml")));
        services = (Map<String, Map<String, Object>>) compose.get("services");
        assertThat(services).as("services of docker-compose.yml").isNotEmpty();
    }

    @Test
    void everyServiceModuleIsBuiltFromItsDockerfile() {
        for (String module : Repository.serviceModules()) {
            assertThat(services).as("compose service for module %s", module).containsKey(module);
            Map<?, ?> build = (Map<?, ?>) services.get(module).get("build");
            assertThat(build).as("%s build", module).isNotNull();
            assertThat(build.get("context")).isEqualTo(module);
            assertThat(build.get("dockerfile")).isEqualTo("src/main/docker/Dockerfile.jvm");
        }
    }

    @Test
    void publishedPortIsTheServicesHttpPort() {
        for (String module : Repository.serviceModules()) {
            int port = Repository.httpPort(module);
            assertThat(services.get(module).get("ports")).as("%s ports", module)
                    .isEqualTo(List.of(port + ":" + port));
        }
    }

    @Test
    void everyCdcVariableIsReadByItsServiceAndEveryRequiredOneIsSet() {
        for (String module : Repository.serviceModules()) {
            ServiceSettings settings = ServiceSettings.of(module);
            Set<String> set = environment(module).keySet();
            for (String variable : set) {
                if (variable.startsWith("CDC_")) {
                    assertThat(settings.reads(variable)).as("%s sets %s, which the service does not read", module, variable)
                            .isTrue();
                }
            }
            assertThat(set).as("%s: variables without a default in application.properties", module)
                    .containsAll(settings.requiredVariables());
        }
    }

    @Test
    void servicesWaitForTheServersTheyUse() {
        for (String module : Repository.serviceModules()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> dependsOn = (Map<String, Object>) services.get(module).getOrDefault("depends_on", Map.of());
            Set<String> expected = new TreeSet<>();
            environment(module).keySet().forEach(v -> {
                if (SERVER_OF_VARIABLE.containsKey(v)) {
                    expected.add(SERVER_OF_VARIABLE.get(v));
                }
            });
            assertThat(dependsOn.keySet()).as("%s depends_on", module).containsAll(expected);
        }
        services.forEach((name, service) -> {
            Map<?, ?> dependsOn = (Map<?, ?>) service.getOrDefault("depends_on", Map.of());
            dependsOn.forEach((target, cond) -> {
                assertThat(services).as("%s depends on unknown %s", name, target).containsKey((String) target);
                assertThat(((Map<?, ?>) cond).get("condition")).as("%s -> %s condition", name, target)
                        .isIn("service_healthy", "service_completed_successfully");
            });
        });
    }

    @Test
    void everyServiceHasAHealthCheck() {
        services.forEach((name, service) -> {
            Map<?, ?> health = (Map<?, ?>) service.get("healthcheck");
            assertThat(health).as("%s healthcheck", name).isNotNull();
            assertThat(health.get("test")).as("%s healthcheck test", name).isNotNull();
        });
        for (String module : Repository.serviceModules()) {
            String test = String.valueOf(((Map<?, ?>) services.get(module).get("healthcheck")).get("test"));
            assertThat(test).as("%s health check", module)
                    .contains("localhost:" + Repository.httpPort(module) + "/q/health/ready");
            String dockerfile = Repository.read(Repository.root().resolve(module).resolve("src/main/docker/Dockerfile.jvm"));
            if (test.contains("curl")) {
                assertThat(dockerfile).as("%s image installs the curl its health check runs", module).contains("install");
                assertThat(dockerfile).contains("curl");
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environment(String module) {
        Object env = services.get(module).get("environment");
        assertThat(env).as("%s environment is a map", module).isInstanceOf(Map.class);
        return (Map<String, Object>) env;
    }
}
