package io.cdcflow.capture.jdbc;

import io.cdcflow.capture.timestamp.TimestampQuery;
import org.junit.jupiter.api.Test;

import java.sql.Types;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Identifiers are validated and quoted; values never enter SQL text; column types map as Debezium's do. */
class SqlBuildingTest {

    static final CapturedTable ITEMS = new CapturedTable(new TableId("shop", "items"), List.of(
            new Column("id", ConnectColumnType.INT64, "bigint", false, 0),
            new Column("name", ConnectColumnType.STRING, "text", false, 0),
            new Column("seen", ConnectColumnType.TIMESTAMPTZ, "timestamp", true, 0),
            new Column("raw", ConnectColumnType.BYTES, "varbinary", true, 0),
            new Column("updated_at", ConnectColumnType.TIMESTAMP, "timestamp", false, 0)), List.of("id"));

    @Test
    void identifiersAreValidatedBeforeTheyAreQuoted() {
        assertThat(new PostgresDialect().quote("order_items")).isEqualTo("\"order_items\"");
        assertThat(new MariaDbDialect(true).quote("order_items")).isEqualTo("`order_items`");
        for (String bad : List.of("a\"b", "a`b", "x; DROP TABLE y", "1abc", "", "a b", "a'b", "a".repeat(64))) {
            assertThatThrownBy(() -> new PostgresDialect().quote(bad)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new MariaDbDialect(true).quote(bad)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> TableId.parse("justatable")).hasMessageContaining("schema.table");
        assertThatThrownBy(() -> TableId.parse("a.b.c")).hasMessageContaining("schema.table");
        assertThatThrownBy(() -> TableId.parse("a.b'--")).hasMessageContaining("plain SQL identifier");
        assertThat(TableId.parse("public.customers")).isEqualTo(new TableId("public", "customers"));
        assertThatThrownBy(() -> new PostgresDialect().jdbcUrl("h", 1, "db?user=x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void timestampQueriesBindTimestampsKeysAndLimits() {
        TimestampQuery pg = TimestampQuery.of(new PostgresDialect(), ITEMS, ITEMS.column("updated_at").orElseThrow());
        assertThat(pg.first()).isEqualTo("SELECT (extract(epoch FROM t.\"updated_at\") * 1000000)::bigint, to_jsonb(t)::text, t.\"id\" "
                + "FROM \"shop\".\"items\" t WHERE t.\"updated_at\" >= (timestamp 'epoch' + ?::bigint * interval '1 microsecond') "
                + "ORDER BY t.\"updated_at\", t.\"id\" LIMIT ?");
        assertThat(pg.next()).contains("WHERE (t.\"updated_at\", t.\"id\") > ((timestamp 'epoch' + ?::bigint * interval '1 microsecond'), ?)");
        assertThat(pg.next().chars().filter(ch -> ch == '?').count()).isEqualTo(3);
        TimestampQuery my = TimestampQuery.of(new MariaDbDialect(true), ITEMS, ITEMS.column("updated_at").orElseThrow());
        assertThat(my.first()).contains("JSON_OBJECT('id', t.`id`, 'name', t.`name`, 'seen', UNIX_TIMESTAMP(t.`seen`), "
                + "'raw', TO_BASE64(t.`raw`), 'updated_at', t.`updated_at`)");
        assertThat(my.next()).contains("(t.`updated_at`, t.`id`) > (TIMESTAMPADD(MICROSECOND, ?, '1970-01-01 00:00:00'), ?)");
    }

    @Test
    void snapshotKeysAreBoundAsTextAndCastToTheColumnType() {
        PostgresDialect pg = new PostgresDialect();
        assertThat(pg.textParameter(new Column("id", ConnectColumnType.INT64, "bigserial", false, 0))).isEqualTo("CAST(? AS bigint)");
        assertThat(pg.textParameter(new Column("id", ConnectColumnType.INT32, "serial", false, 0))).isEqualTo("CAST(? AS integer)");
        assertThat(pg.textParameter(new Column("id", ConnectColumnType.STRING, "uuid", false, 0))).isEqualTo("CAST(? AS uuid)");
        assertThatThrownBy(() -> pg.textParameter(new Column("id", ConnectColumnType.STRING, "int); DROP TABLE x; --", false, 0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new MariaDbDialect(true).textParameter(ITEMS.columns().getFirst())).isEqualTo("?");
    }

    @Test
    void columnTypesFollowDebezium() {
        assertThat(ConnectColumnType.of(Types.BIT, "bool", 1, 0)).isEqualTo(ConnectColumnType.BOOLEAN);
        assertThat(ConnectColumnType.of(Types.TIMESTAMP, "timestamptz", 35, 6)).isEqualTo(ConnectColumnType.TIMESTAMPTZ);
        assertThat(ConnectColumnType.of(Types.TIMESTAMP, "timestamp", 29, 6)).isEqualTo(ConnectColumnType.TIMESTAMP);
        assertThat(new MariaDbDialect(true).typeOf(Types.TIMESTAMP, "timestamp", 26, 6)).isEqualTo(ConnectColumnType.TIMESTAMPTZ);
        assertThat(new MariaDbDialect(true).typeOf(Types.TIMESTAMP, "datetime", 26, 6)).isEqualTo(ConnectColumnType.TIMESTAMP);
        assertThat(ConnectColumnType.of(Types.NUMERIC, "numeric", 10, 2)).isEqualTo(ConnectColumnType.DECIMAL);
        assertThat(ConnectColumnType.of(Types.NUMERIC, "numeric", 131089, 0)).isEqualTo(ConnectColumnType.NUMERIC_TEXT);
        assertThat(ConnectColumnType.of(Types.ARRAY, "_text", 0, 0)).isEqualTo(ConnectColumnType.STRING_ARRAY);
        assertThat(ConnectColumnType.of(Types.OTHER, "jsonb", 0, 0)).isEqualTo(ConnectColumnType.JSON);
        assertThat(ConnectColumnType.of(Types.OTHER, "uuid", 0, 0)).isEqualTo(ConnectColumnType.UUID);
        assertThat(ConnectColumnType.of(Types.BINARY, "bytea", 0, 0)).isEqualTo(ConnectColumnType.BYTES);
        assertThat(ConnectColumnType.of(Types.OTHER, "interval", 0, 0)).isEqualTo(ConnectColumnType.STRING);
    }
}
