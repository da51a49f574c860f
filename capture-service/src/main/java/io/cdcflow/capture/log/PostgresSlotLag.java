package io.cdcflow.capture.log;

import io.cdcflow.capture.config.SourceConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Exports {@code cdc.capture.slot.lag.bytes} (source): how much WAL the source keeps for this source's
 * replication slot, i.e. the distance from the server's current WAL position to what capture confirmed. It grows
 * when capture is down or behind; heartbeats keep it small on an idle database. Read every 15 s on a connection of
 * its own, so a slow database never blocks a metrics scrape; -1 until the first reading or while it fails.
 */
final class PostgresSlotLag implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PostgresSlotLag.class);

    private final AtomicLong bytes = new AtomicLong(-1);
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("slot-lag").factory());
    private final String url;
    private final SourceConfig source;
    private final String slot;

    PostgresSlotLag(String sourceName, SourceConfig source, String slot, MeterRegistry meters) {
        this.source = source;
        this.slot = slot;
        this.url = "jdbc:postgresql://" + source.host() + ":" + source.port() + "/" + source.database()
                + "?ApplicationName=cdcflow-slot-lag";
        Gauge.builder("cdc.capture.slot.lag.bytes", bytes, AtomicLong::get)
                .tag("source", sourceName).baseUnit("bytes").register(meters);
        timer.scheduleWithFixedDelay(this::read, 0, 15, TimeUnit.SECONDS);
    }

    private void read() {
        try (Connection c = DriverManager.getConnection(url, source.user(), source.password());
             PreparedStatement ps = c.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)"
                     + " FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setQueryTimeout(10);
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                bytes.set(rs.next() ? rs.getLong(1) : -1);
            }
        } catch (SQLException e) {
            bytes.set(-1);
            LOG.debugf(e, "cannot read the lag of slot %s", slot);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
