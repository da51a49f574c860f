package io.cdcflow.bench.workload;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes a paced insert/update/delete workload on the inventory tables {@code products} (padded rows) and
 * {@code customers} with batched JDBC statements, one transaction per {@link WorkloadSpec#transactionSize()}
 * changes, and counts what it committed. Updates and deletes touch only products this generator inserted, so the
 * demo's rows and their foreign keys are left alone. Not thread-safe: one generator per connection.
 */
public final class WorkloadGenerator {

    private final Connection connection;
    private final SplittableRandom random = new SplittableRandom(42);
    private final List<Long> liveProducts = new ArrayList<>();
    private final java.util.ArrayDeque<Long> freeIds = new java.util.ArrayDeque<>();

    public WorkloadGenerator(Connection connection) throws SQLException {
        this.connection = connection;
        connection.setAutoCommit(false);
    }

    /** Runs the workload until its duration elapses or its change budget is spent. */
    public WorkloadResult run(WorkloadSpec spec) throws SQLException {
        String padding = "x".repeat(spec.rowWidth());
        long inserts = 0;
        long updates = 0;
        long deletes = 0;
        long transactions = 0;
        long startNs = System.nanoTime();
        long startMs = System.currentTimeMillis();
        long deadlineNs = spec.duration() == null ? Long.MAX_VALUE : startNs + spec.duration().toNanos();
        long budget = spec.maxChanges() <= 0 ? Long.MAX_VALUE : spec.maxChanges();
        try (PreparedStatement ids = connection.prepareStatement("SELECT nextval('products_id_seq') FROM generate_series(1, ?)");
             PreparedStatement insertProduct = connection.prepareStatement(
                     "INSERT INTO products (id, name, description, weight_kg, price) VALUES (?, ?, ?, ?, ?)");
             PreparedStatement insertCustomer = connection.prepareStatement(
                     "INSERT INTO customers (first_name, last_name, email) VALUES (?, ?, ?)");
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE products SET price = ?, description = ?, updated_at = now() WHERE id = ?");
             PreparedStatement delete = connection.prepareStatement("DELETE FROM products WHERE id = ?")) {
            while (System.nanoTime() < deadlineNs && inserts + updates + deletes < budget) {
                int size = (int) Math.min(spec.transactionSize(), budget - (inserts + updates + deletes));
                for (int i = 0; i < size; i++) {
                    int roll = random.nextInt(100);
                    if (roll < spec.insertPercent() || liveProducts.isEmpty()) {
                        if (random.nextInt(4) == 0) {
                            insertCustomer.setString(1, "Bench");
                            insertCustomer.setString(2, padding);
                            insertCustomer.setString(3, "bench." + random.nextLong() + "." + System.nanoTime() + "@example.com");
                            insertCustomer.addBatch();
                        } else {
                            long id = nextId(ids);
                            insertProduct.setLong(1, id);
                            insertProduct.setString(2, "bench product " + id);
                            insertProduct.setString(3, padding);
                            insertProduct.setBigDecimal(4, java.math.BigDecimal.valueOf(random.nextInt(10_000), 3));
                            insertProduct.setBigDecimal(5, java.math.BigDecimal.valueOf(100 + random.nextInt(100_000), 2));
                            insertProduct.addBatch();
                            liveProducts.add(id);
                        }
                        inserts++;
                    } else if (roll < spec.insertPercent() + spec.updatePercent()) {
                        long id = liveProducts.get(random.nextInt(liveProducts.size()));
                        update.setBigDecimal(1, java.math.BigDecimal.valueOf(100 + random.nextInt(100_000), 2));
                        update.setString(2, padding);
                        update.setLong(3, id);
                        update.addBatch();
                        updates++;
                    } else {
                        int index = random.nextInt(liveProducts.size());
                        long id = liveProducts.get(index);
                        liveProducts.set(index, liveProducts.get(liveProducts.size() - 1));
                        liveProducts.remove(liveProducts.size() - 1);
                        delete.setLong(1, id);
                        delete.addBatch();
                        deletes++;
                    }
                }
                // Inserts before updates before deletes: an update or delete only targets rows committed earlier
                // or inserted in this batch, so the order keeps every statement effective.
                insertProduct.executeBatch();
                insertCustomer.executeBatch();
                update.executeBatch();
                delete.executeBatch();
                connection.commit();
                transactions++;
                if (spec.ratePerSecond() > 0) {
                    long dueNs = startNs + (long) ((inserts + updates + deletes) * 1e9 / spec.ratePerSecond());
                    long waitNs = dueNs - System.nanoTime();
                    if (waitNs > 0) {
                        LockSupport.parkNanos(waitNs);
                    }
                }
            }
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        }
        return new WorkloadResult(inserts, updates, deletes, transactions, startMs, System.currentTimeMillis());
    }

    /** A product id from the sequence, fetched a thousand at a time to save a round trip per transaction. */
    private long nextId(PreparedStatement ids) throws SQLException {
        if (freeIds.isEmpty()) {
            ids.setInt(1, 1000);
            try (ResultSet rs = ids.executeQuery()) {
                while (rs.next()) {
                    freeIds.add(rs.getLong(1));
                }
            }
        }
        return freeIds.poll();
    }

    /**
     * Creates (or replaces) {@code bench_snapshot} with {@code rows} rows of about {@code rowWidth} characters, for
     * the snapshot part; REPLICA IDENTITY FULL like the inventory tables.
     */
    public static void createSnapshotTable(Connection connection, long rows, int rowWidth) throws SQLException {
        boolean auto = connection.getAutoCommit();
        connection.setAutoCommit(true);
        try (Statement st = connection.createStatement()) {
            st.execute("DROP TABLE IF EXISTS bench_snapshot");
            st.execute("CREATE TABLE bench_snapshot (id bigint PRIMARY KEY, name text NOT NULL, price numeric(10, 2) NOT NULL,"
                    + " payload text, updated_at timestamptz NOT NULL DEFAULT now())");
            st.execute("ALTER TABLE bench_snapshot REPLICA IDENTITY FULL");
            try (PreparedStatement fill = connection.prepareStatement("INSERT INTO bench_snapshot (id, name, price, payload)"
                    + " SELECT g, 'row ' || g, (g % 100000) / 100.0, repeat('y', ?) FROM generate_series(1, ?) g")) {
                fill.setInt(1, rowWidth);
                fill.setLong(2, rows);
                fill.executeUpdate();
            }
            // What timestamp capture polls by (capture-service warns about a table without it).
            st.execute("CREATE INDEX ON bench_snapshot (updated_at, id)");
            st.execute("ANALYZE bench_snapshot");
        } finally {
            connection.setAutoCommit(auto);
        }
    }

}
