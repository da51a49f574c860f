package io.cdcflow.testkit;

import java.util.Map;

/**
 * Where each server of the local stack listens, as {@code bin/stack env} prints it ({@code CDC_*} variables).
 */
public record StackEndpoints(Map<String, String> env) {

    public StackEndpoints {
        env = Map.copyOf(env);
    }

    /** One variable; fails naming it when the launcher did not print it. */
    public String get(String name) {
        String v = env.get(name);
        if (v == null) {
            throw new IllegalStateException("bin/stack env did not print " + name + "; it printed " + env.keySet());
        }
        return v;
    }

    public String kafkaBootstrap() {
        return get("CDC_KAFKA_BOOTSTRAP");
    }

    /**
     * How many Kafka brokers the stack runs ({@code CDC_KAFKA_BROKERS} of {@code bin/stack}); their servers are
     * {@code kafka-1} to {@code kafka-<n>} when there are several, {@code kafka} when there is one.
     */
    public int kafkaBrokers() {
        return Integer.parseInt(env.getOrDefault("CDC_KAFKA_BROKERS", "1"));
    }

    /** JDBC URL of the source PostgreSQL's inventory database. */
    public String sourcePgJdbcUrl() {
        return "jdbc:postgresql://" + get("CDC_SOURCE_PG_HOST") + ":" + get("CDC_SOURCE_PG_PORT") + "/"
                + get("CDC_SOURCE_PG_DB");
    }

    /** JDBC URL of one database ({@code warehouse}, {@code registry}) in the store PostgreSQL. */
    public String storePgJdbcUrl(String database) {
        return "jdbc:postgresql://" + get("CDC_STORE_PG_HOST") + ":" + get("CDC_STORE_PG_PORT") + "/" + database;
    }

    public String mariadbJdbcUrl() {
        return "jdbc:mariadb://" + get("CDC_MARIADB_HOST") + ":" + get("CDC_MARIADB_PORT") + "/" + get("CDC_MARIADB_DB");
    }

    /**
     * JDBC URL of the MariaDB replica's inventory database (the local stack's {@code mariadb-replica}, which
     * replicates the primary by GTID); the containers backend has none.
     */
    public String mariadbReplicaJdbcUrl() {
        if (!env.containsKey("CDC_MARIADB_REPLICA_PORT")) {
            throw new IllegalStateException("this stack has no MariaDB replica (the local stack has: CDC_STACK_BACKEND=local)");
        }
        return "jdbc:mariadb://" + get("CDC_MARIADB_REPLICA_HOST") + ":" + get("CDC_MARIADB_REPLICA_PORT") + "/"
                + get("CDC_MARIADB_DB");
    }

    /** {@code redis://host:port}. */
    public String redisUrl() {
        return "redis://" + get("CDC_REDIS_HOST") + ":" + get("CDC_REDIS_PORT");
    }

    /** {@code http://host:port}. */
    public String openSearchUrl() {
        return get("CDC_OPENSEARCH_URL");
    }
}
