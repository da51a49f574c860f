package io.cdcflow.warehouse.write;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.Op;
import io.cdcflow.model.Position;
import io.cdcflow.model.RowKey;
import io.cdcflow.model.TableRef;
import io.cdcflow.sink.RecordOrigin;
import io.cdcflow.sink.SinkChange;
import io.cdcflow.testkit.StackEndpoints;
import io.cdcflow.warehouse.config.WarehouseSinkConfig;
import io.cdcflow.warehouse.schema.ColumnType;
import io.cdcflow.warehouse.schema.RowTypes;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static io.cdcflow.warehouse.TestEvents.event;
import static io.cdcflow.warehouse.TestEvents.source;

/**
 * A {@link PostgresChangeWriter} on the stack's warehouse without Quarkus or Kafka: a one-connection pool (so
 * that every batch runs on one backend, whose pid is known), the changes built directly, plain SQL to read back.
 */
final class WriterHarness implements AutoCloseable {

    static final long T0 = 1_735_689_600_000L; // 2025-01-01T00:00:00Z

    final String prefix;
    final AgroalDataSource dataSource;
    final WarehouseTables tables;
    final PostgresChangeWriter writer;
    private final Connection reader;
    /** The "registry": column types by schema id, for changes that name one. */
    final Map<Integer, RowTypes> schemas = new java.util.concurrent.ConcurrentHashMap<>();
    private long offset;

    WriterHarness(StackEndpoints stack, String prefix) throws SQLException {
        this.prefix = prefix;
        String url = stack.storePgJdbcUrl("warehouse");
        this.dataSource = AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(p -> p.maxSize(1).connectionFactoryConfiguration(f -> f.jdbcUrl(url)
                        .principal(new NamePrincipal(stack.get("CDC_STORE_PG_USER")))
                        .credential(new SimplePassword(stack.get("CDC_STORE_PG_PASSWORD"))))));
        WarehouseSinkConfig config = new WarehouseSinkConfig() {
            public Optional<String> schemaPrefix() {
                return Optional.of(prefix);
            }

            public String historySuffix() {
                return "_history";
            }

            public String metaSchema() {
                return "cdc_sink";
            }
        };
        this.tables = new WarehouseTables(config);
        this.writer = new PostgresChangeWriter(dataSource, tables, id -> Optional.ofNullable(schemas.get(id)), config);
        this.reader = java.sql.DriverManager.getConnection(url, stack.get("CDC_STORE_PG_USER"),
                stack.get("CDC_STORE_PG_PASSWORD"));
    }

    TableRef table(String run, String name) {
        return new TableRef(run, "public", name);
    }

    TableNames names(TableRef t) {
        return TableNames.of(t, prefix, "_history");
    }

    /** Creates the table pair with these column types (key {@code id}), as a registered schema would. */
    void create(TableRef t, Map<String, List<ColumnType>> columns) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            tables.ensure(c, names(t), List.of("id"), columns);
        }
    }

    /** A change of row {@code id} at LSN {@code lsn}, committed at {@code T0 + lsn} seconds. */
    SinkChange change(TableRef t, Op op, long lsn, ObjectNode key, ObjectNode after) {
        return change(t, op, lsn, key, after, OptionalInt.empty());
    }

    /** A change whose value schema is {@code schemaId} (see {@link #schemas}). */
    SinkChange change(TableRef t, Op op, long lsn, ObjectNode key, ObjectNode after, OptionalInt schemaId) {
        ChangeEvent e = event(op, source(t.source(), t.namespace(), t.table(), lsn, T0 + lsn * 1000),
                op == Op.DELETE ? after : null, op == Op.DELETE ? null : after);
        return new SinkChange(new RecordOrigin("bench", 0, offset++, new byte[0], new byte[0]),
                key == null ? null : new RowKey(key), e, new Position(lsn), schemaId);
    }

    /** The backend pid of the pool's one connection. */
    int backendPid() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Every row of the query's first column, as text. */
    List<String> strings(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = reader.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    void execute(String sql) throws SQLException {
        try (Statement st = reader.createStatement()) {
            st.execute(sql);
        }
    }

    /** Drops the table pairs of a run and their watermarks. */
    void drop(String run) throws SQLException {
        String schema = prefix + run + "_public";
        execute("DROP SCHEMA IF EXISTS " + io.cdcflow.warehouse.sql.Identifiers.quote(schema) + " CASCADE");
        execute("DELETE FROM cdc_sink.truncations WHERE target_schema = '" + schema + "'");
    }

    @Override
    public void close() throws SQLException {
        reader.close();
        dataSource.close();
    }
}
