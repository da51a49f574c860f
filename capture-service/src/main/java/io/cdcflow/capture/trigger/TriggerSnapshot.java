package io.cdcflow.capture.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.capture.jdbc.Column;
import io.cdcflow.capture.jdbc.SqlDialect;
import io.cdcflow.capture.state.StateStore;
import io.cdcflow.capture.jdbc.TableEnvelopes;
import io.cdcflow.capture.jdbc.TableId;
import io.cdcflow.capture.jdbc.CapturedTable;
import io.cdcflow.capture.publish.OutgoingChange;
import io.cdcflow.model.Json;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The snapshot of a trigger source: the rows its tables held before their triggers, which no trigger saw (the
 * initial snapshot), or all rows of the tables a new generation reads again (a repair, a strategy switch), read in
 * primary-key order, a chunk at a time, and published as snapshot reads, below every change of their generation.
 *
 * <p><b>Why position 0 is right.</b> The triggers are installed (committed) before the first chunk is read, so every
 * change a chunk does not show, or shows in an older state, is in the change log with a higher position; a sink
 * applying by position keeps it and takes a read only for a row it does not hold. Chunks therefore need no lock and
 * no consistent snapshot across the table, and reading a chunk twice is harmless.
 *
 * <p><b>Progress.</b> After each chunk Kafka acknowledged, the last key read (as text) is saved, per table, and
 * {@code "done"} when the table is read through, in the source database ({@link TriggerStateTable}, so that a standby
 * that takes over resumes it too); a restart resumes after the saved key. A table without an entry (a new one, or
 * lost progress) is read once more. Lifecycle: created per run of a {@link TriggerChangeSource}; it asks for a
 * chunk between polls of the change log, so changes keep flowing while a large table is read.
 */
final class TriggerSnapshot {

    private final SqlDialect dialect;
    private final StateStore store;
    private final ObjectNode state;
    private final List<CapturedTable> pending = new ArrayList<>();
    private Chunk read;

    private TriggerSnapshot(SqlDialect dialect, StateStore store, ObjectNode state) {
        this.dialect = dialect;
        this.store = store;
        this.state = state;
    }

    /**
     * The snapshot of the tables to read, by this source's progress in {@code store}: those named in {@code readAgain}
     * (a new generation, see {@code SourceGeneration}: their progress is forgotten and they are read from the start),
     * those in {@code toSweep} not read through yet (a new generation's read resumed after a restart), and, when
     * {@code initial}, every table not read through yet.
     */
    static TriggerSnapshot of(SqlDialect dialect, StateStore store, List<CapturedTable> tables,
                              boolean initial, Set<String> readAgain, Set<String> toSweep) throws IOException {
        TriggerSnapshot s = new TriggerSnapshot(dialect, store, store.load());
        boolean forgot = false;
        for (CapturedTable t : tables) {
            String name = t.id().qualifiedName();
            if (readAgain.contains(name)) {
                forgot |= s.state.remove(name) != null;
                s.pending.add(t);
            } else if ((initial || toSweep.contains(name)) && !s.state.path(name).path("done").asBoolean(false)) {
                s.pending.add(t);
            }
        }
        if (forgot) {
            store.save(s.state);
        }
        return s;
    }

    boolean pending() {
        return !pending.isEmpty();
    }

    /** The tables still to read, for the start-up log. */
    List<TableId> pendingTables() {
        return pending.stream().map(CapturedTable::id).toList();
    }

    /** Reads the next chunk of the first pending table: its rows as snapshot reads (none when it is read through). */
    List<OutgoingChange> readChunk(Connection c, TableEnvelopes envelopes, int size) throws SQLException {
        CapturedTable table = pending.getFirst();
        List<Column> key = table.keyColumns();
        Optional<List<String>> after = resumesAfter(table.id());
        List<OutgoingChange> rows = new ArrayList<>();
        List<String> last = null;
        long now = System.currentTimeMillis();
        try (PreparedStatement ps = c.prepareStatement(query(table, after.isPresent()))) {
            int i = 1;
            for (String v : after.orElse(List.of())) {
                ps.setString(i++, v);
            }
            ps.setInt(i, size);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(envelopes.snapshotRead(PostgresChangeLog.image(rs.getString(1)), now));
                    last = new ArrayList<>(key.size());
                    for (int k = 0; k < key.size(); k++) {
                        last.add(rs.getString(2 + k));
                    }
                }
            }
        }
        read = new Chunk(table, last, rows.size() < size);
        return rows;
    }

    /** Records the chunk just read as published: saves the last key read, or that the table is read through. */
    void chunkPublished() throws IOException {
        Chunk chunk = read;
        read = null;
        ObjectNode progress = Json.mapper().createObjectNode();
        if (chunk.done()) {
            progress.put("done", true);
            pending.removeFirst();
        } else {
            ArrayNode key = progress.putArray("after");
            chunk.last().forEach(key::add);
        }
        state.set(chunk.table().id().qualifiedName(), progress);
        store.save(state);
    }

    /** The key after which the table's next chunk starts; empty when it is read from its start. */
    Optional<List<String>> resumesAfter(TableId table) {
        JsonNode saved = state.path(table.qualifiedName()).get("after");
        if (saved == null) {
            return Optional.empty();
        }
        List<String> key = new ArrayList<>();
        saved.forEach(v -> key.add(v.asText()));
        return Optional.of(key);
    }

    /** {@code SELECT <image>, <key columns as text> FROM t [WHERE (key) > (?)] ORDER BY key LIMIT ?}. */
    String query(CapturedTable table, boolean afterKey) {
        StringJoiner cols = new StringJoiner(", ");
        StringJoiner keyRow = new StringJoiner(", ", "(", ")");
        StringJoiner params = new StringJoiner(", ", "(", ")");
        for (Column k : table.keyColumns()) {
            String ref = "t." + dialect.quote(k.name());
            cols.add(ref);
            keyRow.add(ref);
            params.add(dialect.textParameter(k));
        }
        return "SELECT " + dialect.rowImage(table, "t") + ", " + cols + " FROM " + dialect.qualified(table.id()) + " t"
                + (afterKey ? " WHERE " + keyRow + " > " + params : "") + " ORDER BY " + cols + " LIMIT ?";
    }

    /** A chunk read and not yet recorded: its table, its last key (null when empty), and whether it ended the table. */
    private record Chunk(CapturedTable table, List<String> last, boolean done) {
    }
}
