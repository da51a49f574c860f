package io.cdcflow.capture.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcflow.capture.jdbc.Column;
import io.cdcflow.capture.jdbc.MariaDbDialect;
import io.cdcflow.capture.jdbc.CapturedTable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.StringJoiner;

/**
 * The images of triggers that list a table's columns (MySQL/MariaDB, see {@link MariaDbChangeLog}) lag behind its
 * DDL: until capture regenerates them (once its {@link io.cdcflow.capture.jdbc.ColumnWatch} noticed the DDL), they
 * leave out a column added since, and for one dropped or renamed they log the key alone. This tells an image that
 * lacks a column of the table's current shape, and reads such a row as it is now.
 *
 * <p>Reading the current row in place of the logged one is exact for a sink applying by position: any later change of
 * the row is logged with a higher {@code seq}, and the row's last logged change carries its final state.
 */
final class IncompleteImages {

    private final MariaDbDialect dialect;

    IncompleteImages(MariaDbDialect dialect) {
        this.dialect = dialect;
    }

    /** True when {@code image} is present and lacks a column of {@code shape}. */
    static boolean incomplete(JsonNode image, CapturedTable shape) {
        if (image == null || image.isNull()) {
            return false;
        }
        for (Column c : shape.columns()) {
            if (!image.has(c.name())) {
                return true;
            }
        }
        return false;
    }

    /** True when {@code image} holds every key column of {@code shape}: the row it is about can be found. */
    static boolean keyed(JsonNode image, CapturedTable shape) {
        if (image == null || image.isNull()) {
            return false;
        }
        for (Column k : shape.keyColumns()) {
            JsonNode v = image.get(k.name());
            if (v == null || v.isNull()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The row of {@code shape} whose key a {@link #keyed} image holds, as an image like the triggers', or null when
     * the table no longer has it.
     */
    JsonNode currentRow(Connection c, CapturedTable shape, JsonNode keyImage) throws SQLException {
        StringJoiner where = new StringJoiner(" AND ");
        for (Column k : shape.keyColumns()) {
            String parameter = switch (k.type()) {
                case BYTES -> "FROM_BASE64(?)";
                case TIMESTAMPTZ -> "FROM_UNIXTIME(?)";
                default -> "?";
            };
            where.add("t." + dialect.quote(k.name()) + " = " + parameter);
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT " + dialect.rowImage(shape, "t") + " FROM "
                + dialect.qualified(shape.id()) + " t WHERE " + where)) {
            int i = 1;
            for (Column k : shape.keyColumns()) {
                ps.setString(i++, keyImage.get(k.name()).asText());
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? PostgresChangeLog.image(rs.getString(1)) : null;
            }
        }
    }
}
