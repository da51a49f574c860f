package io.cdcflow.capture.jdbc;

import io.cdcflow.capture.config.SourceConfig;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Resolves and checks the settings of a trigger or timestamp source, naming the property that is wrong. */
public final class JdbcSources {

    private JdbcSources() {
    }

    /**
     * The source's settings, polled every {@code pollInterval} in steps of {@code batchSize} (the properties of
     * the strategy's group {@code group}); fails on a table list that is empty or not of the form namespace.table.
     */
    public static JdbcSource from(String name, SourceConfig config, String group, Duration pollInterval, int batchSize) {
        String prefix = prefix(name);
        if (config.tables().isEmpty()) {
            throw new IllegalArgumentException(prefix + "tables is empty: list the tables to capture as schema.table");
        }
        List<TableId> tables = new ArrayList<>();
        for (String t : config.tables()) {
            try {
                tables.add(TableId.parse(t));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(prefix + "tables: " + e.getMessage(), e);
            }
        }
        io.cdcflow.capture.publish.TopicNames.requireDistinct(prefix + "tables", name,
                tables.stream().map(TableId::qualifiedName).toList());
        if (batchSize < 1) {
            throw new IllegalArgumentException(prefix + group + ".batch-size must be at least 1, was " + batchSize);
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException(prefix + group + ".poll-interval must be positive, was " + pollInterval);
        }
        try {
            TableId.requireIdentifier(config.database());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + "database: " + e.getMessage(), e);
        }
        return new JdbcSource(name, SqlDialect.of(config.kind()), config.host(), config.port(), config.database(),
                config.user(), config.password(), tables, pollInterval, batchSize);
    }

    /**
     * Connects once and reads every table's shape, handing each to {@code check}; a table that is missing, has
     * no primary key, or fails the check fails with the {@code tables} property named.
     */
    public static List<CapturedTable> checkTables(JdbcSource source, Consumer<CapturedTable> check) {
        String prefix = prefix(source.name());
        List<CapturedTable> shapes = new ArrayList<>();
        try (Connection c = source.connect()) {
            for (TableId id : source.tables()) {
                CapturedTable shape;
                try {
                    shape = CapturedTable.read(c, source.dialect(), id);
                } catch (CapturedTable.InvalidTableException e) {
                    throw new IllegalArgumentException(prefix + "tables: " + e.getMessage(), e);
                }
                check.accept(shape);
                shapes.add(shape);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(prefix + "host/port/database/user/password: cannot read the tables of source "
                    + source.name() + " at " + source.host() + ":" + source.port() + "/" + source.database() + ": " + e.getMessage(), e);
        }
        return shapes;
    }

    /** {@code cdc.capture.sources.<name>.}, the prefix of a source's properties. */
    public static String prefix(String name) {
        return "cdc.capture.sources." + name + ".";
    }
}
