package io.cdcflow.capture.trigger;

import io.cdcflow.capture.jdbc.Column;
import io.cdcflow.capture.jdbc.ConnectColumnType;
import io.cdcflow.capture.jdbc.MariaDbDialect;
import io.cdcflow.capture.jdbc.PostgresDialect;
import io.cdcflow.capture.jdbc.TableId;
import io.cdcflow.capture.jdbc.CapturedTable;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The change-log DDL and queries: quoted identifiers, bound values, no-op updates skipped. */
class ChangeLogStatementsTest {

    static final CapturedTable ITEMS = new CapturedTable(new TableId("shop", "items"), List.of(
            new Column("id", ConnectColumnType.INT64, "bigint", false, 0),
            new Column("name", ConnectColumnType.STRING, "varchar", false, 0)), List.of("id"));

    @Test
    void postgresTriggersAndQueries() {
        PostgresChangeLog log = (PostgresChangeLog) ChangeLog.of(new PostgresDialect(), "cdc");
        assertThat(log.triggerStatements(ITEMS.id())).containsExactly("CREATE OR REPLACE TRIGGER \"cdcflow_capture\" AFTER INSERT OR "
                + "UPDATE OR DELETE ON \"shop\".\"items\" FOR EACH ROW EXECUTE FUNCTION \"cdc\".\"cdcflow_capture_change\"()",
                "CREATE OR REPLACE TRIGGER \"cdcflow_capture_truncate\" AFTER TRUNCATE ON \"shop\".\"items\" FOR EACH STATEMENT "
                + "EXECUTE FUNCTION \"cdc\".\"cdcflow_capture_change\"()");
        assertThat(String.join("\n", log.installStatements()))
                .contains("CREATE TABLE IF NOT EXISTS \"cdc\".\"cdc_changelog\"")
                .contains("OLD::text IS NOT DISTINCT FROM NEW::text THEN RETURN NULL")
                .contains("IF TG_OP = 'TRUNCATE' THEN")
                .contains("pg_current_xact_id()");
        assertThat(log.readStatement()).endsWith("= ANY (?) ORDER BY seq LIMIT ?");
        assertThatThrownBy(() -> ChangeLog.of(new PostgresDialect(), "cdc\"; DROP")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mariadbTriggersAreGeneratedFromTheColumns() {
        MariaDbChangeLog log = (MariaDbChangeLog) ChangeLog.of(new MariaDbDialect(true), "inventory");
        List<String> ddl = log.triggerStatements(ITEMS);
        assertThat(ddl).hasSize(3);
        String insert = "INSERT INTO `inventory`.`cdc_changelog` (schema_name, table_name, op, before_image, after_image) "
                + "VALUES ('shop', 'items', 'c', NULL, ";
        // A column dropped or renamed since (error 1054) never fails the application's write: the change is logged
        // with the key alone, or, when a key column is gone too, with no image.
        assertThat(ddl.get(0)).isEqualTo("CREATE OR REPLACE TRIGGER `shop`.`cdcflow_items_ai` AFTER INSERT ON `shop`.`items` FOR EACH ROW "
                + "BEGIN DECLARE CONTINUE HANDLER FOR 1054 BEGIN DECLARE CONTINUE HANDLER FOR 1054 " + insert + "NULL); "
                + insert + "JSON_OBJECT('id', NEW.`id`)); END; "
                + insert + "JSON_OBJECT('id', NEW.`id`, 'name', NEW.`name`)); END");
        assertThat(ddl.get(1)).contains("IF NOT (NEW.`id` <=> OLD.`id` AND NEW.`name` <=> OLD.`name`) THEN");
        assertThat(ddl.get(1)).contains("'u', JSON_OBJECT('id', OLD.`id`), JSON_OBJECT('id', NEW.`id`))");
        assertThat(ddl.get(2)).contains("'d', JSON_OBJECT('id', OLD.`id`, 'name', OLD.`name`), NULL)")
                .contains("'d', JSON_OBJECT('id', OLD.`id`), NULL)").contains("'d', NULL, NULL)");
        assertThat(log.readStatement(2)).contains("IN (?, ?) ORDER BY seq LIMIT ?");
        assertThatThrownBy(() -> MariaDbChangeLog.triggerName(new TableId("db", "t".repeat(54)), "_ai"))
                .hasMessageContaining("at most 53");
        assertThat(new MariaDbChangeLog(new MariaDbDialect(false), "inventory").triggerStatements(ITEMS).getFirst())
                .startsWith("CREATE TRIGGER ");
    }
}
