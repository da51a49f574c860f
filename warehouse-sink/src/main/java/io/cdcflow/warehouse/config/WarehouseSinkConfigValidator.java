package io.cdcflow.warehouse.config;

import io.cdcflow.warehouse.sql.Identifiers;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/**
 * Fails the start-up when a {@code cdc.sink.warehouse.*} property is unusable, naming the property and why, so that a bad
 * setting is seen at once rather than as a stream of dead letters or a sink that never writes.
 */
@Startup
@ApplicationScoped
public class WarehouseSinkConfigValidator {

    private final WarehouseSinkConfig config;

    WarehouseSinkConfigValidator(WarehouseSinkConfig config) {
        this.config = config;
    }

    @PostConstruct
    void validate() {
        List<String> problems = problems(config);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid warehouse-sink configuration: " + String.join("; ", problems));
        }
    }

    /** Every problem of a configuration, each naming its property; empty when it is usable. */
    public static List<String> problems(WarehouseSinkConfig c) {
        List<String> problems = new ArrayList<>();
        Identifiers.problem(c.historySuffix(), 20)
                .ifPresent(p -> problems.add("cdc.sink.warehouse.history-suffix " + p));
        if (c.historySuffix().isEmpty()) {
            problems.add("cdc.sink.warehouse.history-suffix must not be empty (the history table would be the current table)");
        }
        c.schemaPrefix().flatMap(p -> Identifiers.problem(p, 30))
                .ifPresent(p -> problems.add("cdc.sink.warehouse.schema-prefix " + p));
        Identifiers.problem(c.metaSchema(), Identifiers.MAX_BYTES)
                .ifPresent(p -> problems.add("cdc.sink.warehouse.meta-schema " + p));
        return problems;
    }

}
