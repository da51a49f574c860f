package io.cdcflow.bench.warehouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.regex.Pattern;

/**
 * One copy of the whole-path part's tables ({@code products}, {@code customers}, {@code bench_probe}) in one schema:
 * the source's own tables, or a path's warehouse copy. A copy that marks deletes instead of removing rows (cdcflow's
 * warehouse-sink: {@code _cdc_deleted}) is read through that column. Answers "absent" while a table does not exist
 * yet (the sinks create theirs on their first change). Holds one connection; not thread-safe.
 */
public final class BacklogCopy implements AutoCloseable {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");
    private static final String UNDEFINED_TABLE = "42P01";

    private final String name;
    private final Connection connection;
    private final String products;
    private final String customers;
    private final String probe;
    private final String live;

    /**
     * @param name          what the copy is called in messages (a path's name)
     * @param schema        the schema holding the tables
     * @param deletedColumn the column marking deleted rows, or null when deletes remove rows
     */
    public BacklogCopy(String name, Connection connection, String schema, String deletedColumn) throws SQLException {
        this.name = name;
        this.connection = connection;
        connection.setAutoCommit(true);
        this.products = qualified(schema, "products");
        this.customers = qualified(schema, "customers");
        this.probe = qualified(schema, "bench_probe");
        this.live = deletedColumn == null ? "" : " AND NOT " + quote(deletedColumn);
    }

    public String name() {
        return name;
    }

    /** Whether the copy holds a live product row with this id. */
    public boolean holdsProduct(long id) throws SQLException {
        return exists("SELECT 1 FROM " + products + " WHERE id = ?" + live, id);
    }

    /** Whether the copy holds any product row (live or not) with an id from {@code firstId} on. */
    public boolean holdsAnyProductFrom(long firstId) throws SQLException {
        return exists("SELECT 1 FROM " + products + " WHERE id >= ? LIMIT 1", firstId);
    }

    /**
     * What the copy holds of the rows a backlog wrote (products from {@code firstProduct}, customers from
     * {@code firstCustomer} on); null while a table is missing.
     */
    public BacklogFingerprint fingerprint(long firstProduct, long firstCustomer) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement("SELECT count(*), coalesce(md5(string_agg(id::text || ':' ||"
                + " price::numeric(12, 2)::text, ',' ORDER BY id)), '') FROM " + products + " WHERE id >= ?" + live);
             PreparedStatement c = connection.prepareStatement("SELECT count(*) FROM " + customers + " WHERE id >= ?" + live)) {
            p.setLong(1, firstProduct);
            c.setLong(1, firstCustomer);
            try (ResultSet rp = p.executeQuery(); ResultSet rc = c.executeQuery()) {
                rp.next();
                rc.next();
                return new BacklogFingerprint(rp.getLong(1), rp.getString(2), rc.getLong(1));
            }
        } catch (SQLException e) {
            if (UNDEFINED_TABLE.equals(e.getSQLState())) {
                return null;
            }
            throw e;
        }
    }

    /** The probe row's seq in this copy, -1 while it holds none. */
    public long probeSeq() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT seq FROM " + probe + " WHERE id = 1" + live);
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : -1;
        } catch (SQLException e) {
            if (UNDEFINED_TABLE.equals(e.getSQLState())) {
                return -1;
            }
            throw e;
        }
    }

    private boolean exists(String sql, long id) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            if (UNDEFINED_TABLE.equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    static String qualified(String schema, String table) {
        return quote(schema) + "." + quote(table);
    }

    static String quote(String identifier) {
        if (!IDENTIFIER.matcher(identifier).matches()) {
            throw new IllegalArgumentException("not a plain lower-case identifier: " + identifier);
        }
        return "\"" + identifier + "\"";
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
