package io.cdcflow.deploy;

import io.cdcflow.testkit.ServiceMap;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/lib/services.tsv}, the one table of services and ports that bin/services, bin/cdcflow, the test kit and
 * the bench read, agrees with the services themselves: every service module is in it, and its default port
 * (18080 plus the offset) is the module's {@code quarkus.http.port}, which {@link ComposeFileTest} and
 * {@link KubernetesManifestsTest} hold docker-compose.yml and the manifests to.
 */
class ServiceMapTest {

    private static final int DEFAULT_BASE = 18080;

    @Test
    void everyServiceModuleIsInTheMapAtItsHttpPort() {
        ServiceMap map = ServiceMap.read(Repository.root());
        assertThat(map.offsets().keySet()).as("services of %s", ServiceMap.file(Repository.root()))
                .containsExactlyInAnyOrderElementsOf(Repository.serviceModules());
        for (String module : Repository.serviceModules()) {
            assertThat(DEFAULT_BASE + map.offset(module)).as("%s: the map's port and quarkus.http.port", module)
                    .isEqualTo(Repository.httpPort(module));
        }
        assertThat(map.offsets().values()).as("one port per service").doesNotHaveDuplicates();
    }
}
