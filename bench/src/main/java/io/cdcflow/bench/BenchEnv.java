package io.cdcflow.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;

/**
 * Where the bench finds everything, from the environment bin/bench prepares ({@code bin/stack env} plus a few
 * BENCH_* paths): the source PostgreSQL, the warehouse (the store PostgreSQL), Kafka, the services' port base and
 * the stack's run folder.
 */
public record BenchEnv(Path repo, Path work, String pgHost, int pgPort, String pgDatabase, String pgUser, String pgPassword,
                       String kafkaBootstrap, Path stackHome, int servicesPortBase, Path pgBinDir, Path javaHome,
                       String serviceJavaOpts, String storeHost, int storePort, String storeUser, String storePassword,
                       String warehouseDatabase) {

    /** Reads the environment; fails naming the first missing variable. */
    public static BenchEnv fromEnvironment(Map<String, String> env) {
        return new BenchEnv(Path.of(required(env, "BENCH_REPO")), Path.of(required(env, "BENCH_WORK")),
                required(env, "CDC_SOURCE_PG_HOST"), Integer.parseInt(required(env, "CDC_SOURCE_PG_PORT")),
                required(env, "CDC_SOURCE_PG_DB"), required(env, "CDC_SOURCE_PG_USER"), required(env, "CDC_SOURCE_PG_PASSWORD"),
                required(env, "CDC_KAFKA_BOOTSTRAP"), Path.of(required(env, "BENCH_STACK_HOME")),
                Integer.parseInt(env.getOrDefault("CDC_SERVICES_PORT_BASE", "18080")), Path.of(required(env, "BENCH_PG_BINDIR")),
                Path.of(required(env, "JAVA_HOME")),
                env.getOrDefault("CDC_SERVICE_JAVA_OPTS", "-Xms64m -Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"),
                required(env, "CDC_STORE_PG_HOST"), Integer.parseInt(required(env, "CDC_STORE_PG_PORT")),
                required(env, "CDC_STORE_PG_USER"), required(env, "CDC_STORE_PG_PASSWORD"),
                // warehouse-sink's database (its application.properties reads the same variable).
                env.getOrDefault("CDC_WAREHOUSE_DB", "warehouse"));
    }

    private static String required(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set (run the bench through bin/bench)");
        }
        return v;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + pgHost + ":" + pgPort + "/" + pgDatabase + "?reWriteBatchedInserts=true";
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), pgUser, pgPassword);
    }

    /** The warehouse database of the store PostgreSQL, where warehouse-sink writes. */
    public String warehouseJdbcUrl() {
        return "jdbc:postgresql://" + storeHost + ":" + storePort + "/" + warehouseDatabase;
    }

    public Connection connectWarehouse() throws SQLException {
        return DriverManager.getConnection(warehouseJdbcUrl(), storeUser, storePassword);
    }

    public Path java() {
        return javaHome.resolve("bin/java");
    }

    /** The HTTP port of a service of bin/services: the port base plus its offset in bin/lib/services.tsv. */
    public int servicePort(String service) {
        try (var lines = java.nio.file.Files.lines(repo.resolve("bin/lib/services.tsv"))) {
            return servicesPortBase + lines.filter(l -> l.startsWith(service + "\t")).findFirst()
                    .map(l -> Integer.parseInt(l.split("\t")[1].strip()))
                    .orElseThrow(() -> new IllegalArgumentException("unknown service " + service));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
