package io.cdcflow.testkit;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The test kit's second backend: the same servers as {@code bin/stack}, as Testcontainers containers, for
 * contributors who have a Docker engine. It hands tests the same {@code CDC_*} variables, with the containers'
 * mapped ports. Containers live as long as the JVM (Testcontainers' reaper removes them).
 */
final class ContainerStack {

    private ContainerStack() {
    }

    /** True when a Docker engine answers; cheap when there is obviously none (no socket, no DOCKER_HOST). */
    static boolean dockerAvailable() {
        boolean hint = System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"))
                || Files.exists(Path.of(System.getProperty("user.home"), ".docker", "run", "docker.sock"));
        if (!hint) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @SuppressWarnings("resource") // the containers live until the JVM exits
    static Map<String, String> start() {
        GenericContainer<?> source = new GenericContainer<>(DockerImageName.parse("postgres:16"))
                .withEnv("POSTGRES_USER", "cdc").withEnv("POSTGRES_PASSWORD", "cdc").withEnv("POSTGRES_DB", "inventory")
                .withCommand("postgres", "-c", "wal_level=logical", "-c", "max_replication_slots=10", "-c", "max_wal_senders=10")
                .withExposedPorts(5432)
                .waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*", 2));
        GenericContainer<?> store = new GenericContainer<>(DockerImageName.parse("postgres:16"))
                .withEnv("POSTGRES_USER", "cdc").withEnv("POSTGRES_PASSWORD", "cdc").withEnv("POSTGRES_DB", "warehouse")
                .withCopyToContainer(Transferable.of("CREATE DATABASE registry OWNER cdc;"),
                        "/docker-entrypoint-initdb.d/10-registry.sql")
                .withExposedPorts(5432)
                .waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*", 2));
        GenericContainer<?> mariadb = new GenericContainer<>(DockerImageName.parse("mariadb:11"))
                .withEnv("MARIADB_ROOT_PASSWORD", "root").withEnv("MARIADB_DATABASE", "inventory")
                .withEnv("MARIADB_USER", "cdc").withEnv("MARIADB_PASSWORD", "cdc")
                .withCopyToContainer(Transferable.of("GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, "
                        + "REPLICATION CLIENT ON *.* TO 'cdc'@'%';"), "/docker-entrypoint-initdb.d/10-grants.sql")
                .withCommand("--log-bin=mysql-bin", "--binlog-format=ROW", "--binlog-row-image=FULL", "--server-id=1")
                .withExposedPorts(3306)
                .waitingFor(Wait.forLogMessage(".*ready for connections.*", 2));
        GenericContainer<?> redis = new GenericContainer<>(DockerImageName.parse("redis:7"))
                .withCommand("redis-server", "--appendonly", "yes")
                .withExposedPorts(6379)
                .waitingFor(Wait.forLogMessage(".*Ready to accept connections.*", 1));
        KafkaContainer kafka = new KafkaContainer(DockerImageName.parse("apache/kafka:4.1.0"))
                .withEnv("KAFKA_NUM_PARTITIONS", "3")
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "true");
        GenericContainer<?> opensearch = new GenericContainer<>(DockerImageName.parse("opensearchproject/opensearch:2.19.2"))
                .withEnv("discovery.type", "single-node")
                .withEnv("DISABLE_SECURITY_PLUGIN", "true")
                .withEnv("OPENSEARCH_JAVA_OPTS", "-Xms512m -Xmx512m")
                .withExposedPorts(9200)
                .waitingFor(Wait.forHttp("/_cluster/health").forPort(9200).withStartupTimeout(Duration.ofMinutes(3)));

        for (GenericContainer<?> c : new GenericContainer<?>[]{source, store, mariadb, redis, kafka, opensearch}) {
            c.start();
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CDC_SOURCE_PG_HOST", source.getHost());
        env.put("CDC_SOURCE_PG_PORT", Integer.toString(source.getMappedPort(5432)));
        env.put("CDC_SOURCE_PG_DB", "inventory");
        env.put("CDC_SOURCE_PG_USER", "cdc");
        env.put("CDC_SOURCE_PG_PASSWORD", "cdc");
        env.put("CDC_STORE_PG_HOST", store.getHost());
        env.put("CDC_STORE_PG_PORT", Integer.toString(store.getMappedPort(5432)));
        env.put("CDC_STORE_PG_USER", "cdc");
        env.put("CDC_STORE_PG_PASSWORD", "cdc");
        env.put("CDC_MARIADB_HOST", mariadb.getHost());
        env.put("CDC_MARIADB_PORT", Integer.toString(mariadb.getMappedPort(3306)));
        env.put("CDC_MARIADB_DB", "inventory");
        env.put("CDC_MARIADB_USER", "cdc");
        env.put("CDC_MARIADB_PASSWORD", "cdc");
        env.put("CDC_REDIS_HOST", redis.getHost());
        env.put("CDC_REDIS_PORT", Integer.toString(redis.getMappedPort(6379)));
        env.put("CDC_KAFKA_BOOTSTRAP", kafka.getBootstrapServers());
        env.put("CDC_OPENSEARCH_URL", "http://" + opensearch.getHost() + ":" + opensearch.getMappedPort(9200));
        return env;
    }
}
