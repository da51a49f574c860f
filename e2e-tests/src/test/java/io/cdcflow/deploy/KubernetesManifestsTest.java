package io.cdcflow.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.assertj.core.api.InstanceOfAssertFactories;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Loads the kustomize base and each overlay into typed fabric8 models and checks what a deployment relies on:
 * every service module has a Deployment, Service, PodDisruptionBudget and NetworkPolicy; probes on the port the
 * service listens on; requests and limits; Secrets referenced, never inlined; HPAs exactly for the consumer
 * groups; one capture replica with Recreate; network access limited to what each service reads.
 */
class KubernetesManifestsTest {

    /** Services that scale as Kafka consumer groups, hence have an HPA; no other service may have one. */
    private static final Set<String> AUTOSCALED = Set.of("router-service", "warehouse-sink", "cache-sink", "search-sink");

    /** Environment variables (read by a service from application.properties) and the server each one points at. */
    private static final Map<String, String> SERVER_OF_VARIABLE = Map.ofEntries(
            Map.entry("CDC_KAFKA_BOOTSTRAP", "kafka"),
            Map.entry("CDC_REGISTRY_URL", "schema-registry"),
            Map.entry("CDC_SOURCE_PG_HOST", "postgres-source"),
            Map.entry("CDC_STORE_PG_HOST", "postgres-store"),
            Map.entry("CDC_REDIS_HOST", "redis"),
            Map.entry("CDC_OPENSEARCH_URL", "opensearch"),
            // The services console-service reads.
            Map.entry("CDC_CAPTURE_URL", "capture-service"),
            Map.entry("CDC_ROUTER_URL", "router-service"),
            Map.entry("CDC_WAREHOUSE_SINK_URL", "warehouse-sink"),
            Map.entry("CDC_CACHE_SINK_URL", "cache-sink"),
            Map.entry("CDC_SEARCH_SINK_URL", "search-sink"));

    /** Destinations a service needs that its application.properties does not name, and why. */
    private static final Map<String, Set<String>> EXTRA_EGRESS = Map.of(
            // MySQL/MariaDB sources are configured per deployment (cdc.capture.sources.<name>.kind=mysql).
            "capture-service", Set.of("mariadb"));

    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|_USERS|API_KEY).*");

    static Stream<String> renderings() {
        return Stream.of("k8s/base", "k8s/overlays/dev", "k8s/overlays/prod");
    }

    @ParameterizedTest
    @MethodSource("renderings")
    void everyServiceModuleHasItsResources(String dir) {
        Manifests m = Manifests.load(dir);
        List<String> modules = Repository.serviceModules();
        assertThat(modules).contains("capture-service", "router-service", "warehouse-sink");
        for (String module : modules) {
            assertThat(m.find(Deployment.class, module)).as("%s: Deployment %s", dir, module).isPresent();
            assertThat(m.find(Service.class, module)).as("%s: Service %s", dir, module).isPresent();
            assertThat(m.find(PodDisruptionBudget.class, module)).as("%s: PDB %s", dir, module).isPresent();
            assertThat(m.find(NetworkPolicy.class, module)).as("%s: NetworkPolicy %s", dir, module).isPresent();
        }
        assertThat(m.all(Deployment.class)).extracting(d -> d.getMetadata().getName())
                .containsExactlyInAnyOrderElementsOf(modules);
        ModelCheck.noUnknownFields(m.resources());
    }

    @ParameterizedTest
    @MethodSource("renderings")
    void probesAndPortsAreTheServicesOwn(String dir) {
        Manifests m = Manifests.load(dir);
        for (String module : Repository.serviceModules()) {
            int port = Repository.httpPort(module);
            Deployment d = m.find(Deployment.class, module).orElseThrow();
            Container c = container(d);
            assertThat(c.getName()).isEqualTo(module);
            assertThat(c.getEnvFrom()).as("%s reads the ConfigMap", module)
                    .anySatisfy(e -> assertThat(e.getConfigMapRef().getName()).isEqualTo("cdcflow-config"));
            assertProbe(module, c, c.getStartupProbe(), "/q/health/started", port);
            assertProbe(module, c, c.getLivenessProbe(), "/q/health/live", port);
            assertProbe(module, c, c.getReadinessProbe(), "/q/health/ready", port);

            Service s = m.find(Service.class, module).orElseThrow();
            assertThat(s.getSpec().getPorts()).as("%s Service ports", module).hasSize(1);
            assertEquals(port, s.getSpec().getPorts().getFirst().getPort(), module + " Service port");
            assertEquals(port, resolve(c, s.getSpec().getPorts().getFirst().getTargetPort()), module + " targetPort");
            assertThat(selects(s.getSpec().getSelector(), d)).as("%s Service selects its pods", module).isTrue();

            Map<String, String> annotations = d.getSpec().getTemplate().getMetadata().getAnnotations();
            assertThat(annotations).as("%s scrape annotations", module)
                    .containsEntry("prometheus.io/scrape", "true")
                    .containsEntry("prometheus.io/port", Integer.toString(port))
                    .containsEntry("prometheus.io/path", "/q/metrics");
        }
    }

    @ParameterizedTest
    @MethodSource("renderings")
    void everyContainerHasRequestsWithinLimits(String dir) {
        Manifests m = Manifests.load(dir);
        for (Deployment d : m.all(Deployment.class)) {
            var r = container(d).getResources();
            String name = d.getMetadata().getName();
            assertThat(r).as("%s resources", name).isNotNull();
            for (String res : List.of("cpu", "memory")) {
                Quantity request = r.getRequests() == null ? null : r.getRequests().get(res);
                Quantity limit = r.getLimits() == null ? null : r.getLimits().get(res);
                assertThat(request).as("%s: %s request", name, res).isNotNull();
                assertThat(limit).as("%s: %s limit", name, res).isNotNull();
                assertThat(request.getNumericalAmount()).as("%s: %s request <= limit", name, res)
                        .isLessThanOrEqualTo(limit.getNumericalAmount());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("renderings")
    void everyServiceThatTalksToKafkaTakesItsSecuritySettingsFromOneOptionalSecret(String dir) {
        Manifests m = Manifests.load(dir);
        List<String> withKafkaSecret = new ArrayList<>();
        for (Deployment d : m.all(Deployment.class)) {
            for (var from : Objects.requireNonNullElse(container(d).getEnvFrom(),
                    List.<io.fabric8.kubernetes.api.model.EnvFromSource>of())) {
                if (from.getSecretRef() != null && "cdcflow-kafka".equals(from.getSecretRef().getName())) {
                    assertThat(from.getSecretRef().getOptional()).as("%s: cdcflow-kafka is optional",
                            d.getMetadata().getName()).isTrue();
                    withKafkaSecret.add(d.getMetadata().getName());
                }
            }
        }
        assertThat(withKafkaSecret).containsExactlyInAnyOrder("capture-service", "router-service", "warehouse-sink",
                "cache-sink", "search-sink", "console-service");
    }

    @ParameterizedTest
    @MethodSource("renderings")
    void secretsAreReferencedNeverInlined(String dir) {
        Manifests m = Manifests.load(dir);
        for (Secret s : m.all(Secret.class)) {
            assertThat(s.getData()).as("Secret %s carries data", s.getMetadata().getName()).isNullOrEmpty();
            assertThat(s.getStringData()).as("Secret %s carries data", s.getMetadata().getName()).isNullOrEmpty();
        }
        for (ConfigMap cm : m.all(ConfigMap.class)) {
            assertThat(cm.getData().keySet()).as("ConfigMap %s keys", cm.getMetadata().getName())
                    .noneMatch(k -> SECRET_NAME.matcher(k).matches());
        }
        List<String> secretRefs = new ArrayList<>();
        for (Deployment d : m.all(Deployment.class)) {
            for (EnvVar e : Objects.requireNonNullElse(container(d).getEnv(), List.<EnvVar>of())) {
                String where = d.getMetadata().getName() + " env " + e.getName();
                if (SECRET_NAME.matcher(e.getName()).matches()) {
                    assertThat(e.getValue()).as("%s is inlined", where).isNull();
                    assertThat(e.getValueFrom()).as("%s has no valueFrom", where).isNotNull();
                    assertThat(e.getValueFrom().getSecretKeyRef()).as("%s is not a Secret reference", where).isNotNull();
                    secretRefs.add(where);
                } else if (e.getValue() != null) {
                    assertThat(looksLikeSecret(e.getValue())).as("%s = %s looks like a credential", where, e.getValue()).isFalse();
                }
            }
        }
        assertThat(secretRefs).as("the services that need passwords get them from Secrets")
                .contains("capture-service env CDC_SOURCE_PG_PASSWORD", "schema-registry env CDC_STORE_PG_PASSWORD",
                        "router-service env CDC_ROUTER_REGISTRY_PASSWORD", "warehouse-sink env CDC_STORE_PG_PASSWORD");
    }

    @ParameterizedTest
    @MethodSource("renderings")
    void consumerGroupsAutoscaleAndCaptureStaysSingle(String dir) {
        Manifests m = Manifests.load(dir);
        assertThat(m.all(HorizontalPodAutoscaler.class)).extracting(h -> h.getMetadata().getName())
                .containsExactlyInAnyOrderElementsOf(AUTOSCALED);
        for (HorizontalPodAutoscaler h : m.all(HorizontalPodAutoscaler.class)) {
            var ref = h.getSpec().getScaleTargetRef();
            assertThat(ref.getKind()).isEqualTo("Deployment");
            assertThat(m.find(Deployment.class, ref.getName())).as("HPA %s target", ref.getName()).isPresent();
            assertThat(h.getSpec().getMinReplicas()).isBetween(1, h.getSpec().getMaxReplicas());
            assertThat(h.getSpec().getMetrics()).as("HPA %s metrics", ref.getName()).isNotEmpty();
        }
        Deployment capture = m.find(Deployment.class, "capture-service").orElseThrow();
        assertThat(capture.getSpec().getReplicas()).as("capture replicas").isEqualTo(1);
        assertThat(capture.getSpec().getStrategy().getType()).as("capture strategy").isEqualTo("Recreate");

        for (PodDisruptionBudget pdb : m.all(PodDisruptionBudget.class)) {
            Deployment d = m.find(Deployment.class, pdb.getMetadata().getName()).orElseThrow();
            assertThat(matches(pdb.getSpec().getSelector(), d)).as("PDB %s selects its pods", pdb.getMetadata().getName()).isTrue();
            if (pdb.getSpec().getMinAvailable() != null) {
                // minAvailable equal to the replicas would block every node drain.
                assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isLessThan(d.getSpec().getReplicas());
            } else {
                assertThat(pdb.getSpec().getMaxUnavailable()).as("PDB %s budget", d.getMetadata().getName()).isNotNull();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("renderings")
    void networkPoliciesAllowOnlyWhatEachServiceReads(String dir) {
        Manifests m = Manifests.load(dir);
        for (String module : Repository.serviceModules()) {
            NetworkPolicy p = m.find(NetworkPolicy.class, module).orElseThrow();
            Deployment d = m.find(Deployment.class, module).orElseThrow();
            assertThat(matches(p.getSpec().getPodSelector(), d)).as("%s policy selects its pods", module).isTrue();
            assertThat(p.getSpec().getPolicyTypes()).as("%s policy types", module).contains("Ingress", "Egress");

            Set<String> egress = new TreeSet<>();
            p.getSpec().getEgress().forEach(rule -> rule.getTo().forEach(peer -> egress.add(appOf(peer))));
            assertThat(egress).as("%s egress", module).isEqualTo(expectedEgress(module));

            int port = Repository.httpPort(module);
            assertThat(p.getSpec().getIngress()).as("%s: monitoring reaches /q/* on %d", module, port).anySatisfy(rule -> {
                assertThat(rule.getFrom()).anySatisfy(peer -> assertThat(peer.getNamespaceSelector())
                        .isNotNull().extracting(LabelSelector::getMatchLabels).asInstanceOf(InstanceOfAssertFactories.MAP)
                        .containsEntry("kubernetes.io/metadata.name", "monitoring"));
                assertThat(rule.getPorts()).extracting(NetworkPolicyPort::getPort).containsExactly(new IntOrString(port));
            });
            for (var rule : p.getSpec().getIngress()) {
                assertThat(rule.getPorts()).as("%s ingress ports", module).allSatisfy(
                        pp -> assertThat(pp.getPort()).isEqualTo(new IntOrString(port)));
            }
        }
        // A service that calls another must be let in by the callee's policy.
        for (String module : Repository.serviceModules()) {
            for (String callee : expectedEgress(module)) {
                m.find(NetworkPolicy.class, callee).ifPresent(p -> assertThat(p.getSpec().getIngress())
                        .as("%s lets %s in", callee, module)
                        .anySatisfy(rule -> assertThat(rule.getFrom() == null || rule.getFrom().isEmpty()
                                || rule.getFrom().stream().anyMatch(peer -> module.equals(appOf(peer)))).isTrue()));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("renderings")
    void overlaysSetNamespacesTagsAndReplicas(String dir) {
        Manifests m = Manifests.load(dir);
        String tag = switch (dir) {
            case "k8s/overlays/dev" -> "dev";
            case "k8s/overlays/prod" -> "0.1.0";
            default -> "latest";
        };
        for (Deployment d : m.all(Deployment.class)) {
            assertThat(container(d).getImage()).isEqualTo("cdcflow/" + d.getMetadata().getName() + ":" + tag);
            if (dir.equals("k8s/overlays/prod") && !d.getMetadata().getName().equals("capture-service")) {
                assertThat(d.getSpec().getReplicas()).as("prod replicas of %s", d.getMetadata().getName()).isGreaterThanOrEqualTo(2);
            }
            if (dir.equals("k8s/overlays/dev")) {
                assertThat(d.getSpec().getReplicas()).as("dev replicas of %s", d.getMetadata().getName()).isEqualTo(1);
            }
        }
        String namespace = switch (dir) {
            case "k8s/overlays/dev" -> "cdcflow-dev";
            case "k8s/overlays/prod" -> "cdcflow";
            default -> null;
        };
        m.resources().forEach(r -> {
            assertThat(r.getMetadata().getNamespace()).as("namespace of %s", r.getMetadata().getName()).isEqualTo(namespace);
            assertThat(r.getMetadata().getLabels()).containsEntry("app.kubernetes.io/part-of", "cdcflow");
        });
    }

    static Set<String> expectedEgress(String module) {
        String props = Repository.configText(module);
        Set<String> expected = new TreeSet<>(EXTRA_EGRESS.getOrDefault(module, Set.of()));
        SERVER_OF_VARIABLE.forEach((variable, server) -> {
            if (props.contains("${" + variable)) {
                expected.add(server);
            }
        });
        expected.add("kube-dns");
        return expected;
    }

    private static String appOf(NetworkPolicyPeer peer) {
        if (peer.getPodSelector() == null) {
            return "namespace " + peer.getNamespaceSelector();
        }
        Map<String, String> labels = peer.getPodSelector().getMatchLabels();
        return labels.containsKey("k8s-app") ? labels.get("k8s-app") : labels.get("app.kubernetes.io/name");
    }

    private static Container container(Deployment d) {
        List<Container> cs = d.getSpec().getTemplate().getSpec().getContainers();
        assertThat(cs).as("%s containers", d.getMetadata().getName()).hasSize(1);
        return cs.getFirst();
    }

    private static void assertProbe(String module, Container c, Probe probe, String path, int port) {
        assertThat(probe).as("%s probe %s", module, path).isNotNull();
        HTTPGetAction get = probe.getHttpGet();
        assertThat(get).as("%s probe %s is an HTTP GET", module, path).isNotNull();
        assertThat(get.getPath()).as("%s probe path", module).isEqualTo(path);
        assertEquals(port, resolve(c, get.getPort()), module + " probe " + path + " port");
    }

    /** A port number, or a port name resolved against the container's ports. */
    private static int resolve(Container c, IntOrString port) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return c.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError(c.getName() + " has no port named " + port.getStrVal()))
                .getContainerPort();
    }

    private static boolean selects(Map<String, String> selector, Deployment d) {
        return selector != null && !selector.isEmpty()
                && d.getSpec().getTemplate().getMetadata().getLabels().entrySet().containsAll(selector.entrySet());
    }

    private static boolean matches(LabelSelector selector, Deployment d) {
        return selector != null && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty())
                && selects(selector.getMatchLabels(), d);
    }

    /** True for a value that looks like a password rather than a path, a host, a number or a word. */
    static boolean looksLikeSecret(String value) {
        if (value.matches("[/.\\w-]*/[/.\\w-]*") || value.matches("\\d+") || value.matches("[a-z][a-z0-9.-]*(:\\d+)?")) {
            return false;
        }
        return value.length() >= 6;
    }
}
