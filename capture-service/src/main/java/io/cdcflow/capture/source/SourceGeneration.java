package io.cdcflow.capture.source;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.capture.config.CaptureStrategy;
import io.cdcflow.capture.state.SourceStates;
import io.cdcflow.capture.state.StateStore;
import io.cdcflow.model.Json;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A source's generation ({@code source.cdc_generation} of its events, see {@code Position}): raised when its
 * positions start again in a number space of their own, so that its new changes win over everything the sinks hold
 * from before, whatever positions those had. Kept as the source's state {@code generation} ({@link SourceStates}: the
 * state folder's {@code <source>.generation.json} or the capture state topic), with the
 * strategy that wrote it and the work a raise leaves to do per table: the state to reset (what the strategy has
 * read so far) and the sweep to publish once the table was read again.
 *
 * <p>Raised (1) when the configured strategy differs from the one recorded (a strategy switch: every table is read
 * again by the new strategy and swept), and (2) by a repair ({@link #raise}): the tables named are read again and
 * swept. A sweep is a truncate marked {@code cdc_sweep}, at the bottom of its generation: it removes from each sink
 * exactly the rows of older generations that the new read did not see (deleted while capture was blind).
 */
public final class SourceGeneration {

    private static final Logger LOG = Logger.getLogger(SourceGeneration.class);

    private final StateStore file;
    private int generation;
    private String strategy;
    private final Set<String> resetPending = new LinkedHashSet<>();
    private final Set<String> sweepPending = new LinkedHashSet<>();
    private Set<String> tables;

    private SourceGeneration(StateStore file) {
        this.file = file;
    }

    /**
     * The generation of a source that captures {@code tables} (qualified {@code namespace.table}) with
     * {@code strategy}; raised, with every table to read again and sweep, when the recorded strategy differs.
     */
    public static SourceGeneration load(SourceStates states, String source, CaptureStrategy strategy,
                                        Collection<String> tables) throws IOException {
        SourceGeneration g = new SourceGeneration(states.store("generation"));
        ObjectNode state = g.file.load();
        g.generation = state.path("generation").asInt(0);
        g.strategy = state.path("strategy").asText(null);
        state.path("reset_pending").forEach(t -> g.resetPending.add(t.asText()));
        state.path("sweep_pending").forEach(t -> g.sweepPending.add(t.asText()));
        if (state.has("tables")) {
            g.tables = new LinkedHashSet<>();
            state.path("tables").forEach(t -> g.tables.add(t.asText()));
        }
        if (g.strategy == null) {
            g.strategy = strategy.name();
            g.save();
        } else if (!g.strategy.equals(strategy.name())) {
            LOG.infof("source %s switched from the %s strategy to %s: generation %d; every table is read again and "
                    + "swept", source, g.strategy, strategy, g.generation + 1);
            g.strategy = strategy.name();
            g.raise(tables);
        }
        return g;
    }

    /** Raises the generation: the tables named are to be read again (their state reset) and swept. */
    public void raise(Collection<String> tables) throws IOException {
        generation++;
        resetPending.addAll(tables);
        sweepPending.addAll(tables);
        save();
    }

    public int generation() {
        return generation;
    }

    /** Tables whose read state the source must reset before reading (once per raise). */
    public Set<String> resetPending() {
        return Set.copyOf(resetPending);
    }

    /** Tables to sweep once they are read through in this generation. */
    public Set<String> sweepPending() {
        return Set.copyOf(sweepPending);
    }

    /**
     * The tables of {@code configured} that were not captured before (added to the source's {@code tables} since its
     * last {@link #recordTables}). Empty on a source's first start, and on the first start of a source whose tables
     * were never recorded (an earlier version): its tables are taken as known.
     */
    public Set<String> addedTables(Collection<String> configured) {
        Set<String> added = new LinkedHashSet<>(configured);
        if (tables == null) {
            added.clear();
        } else {
            added.removeAll(tables);
        }
        return added;
    }

    /** Records {@code configured} as the captured tables, once what their addition needs is done. */
    public void recordTables(Collection<String> configured) throws IOException {
        if (tables == null || !tables.equals(new LinkedHashSet<>(configured))) {
            tables = new LinkedHashSet<>(configured);
            save();
        }
    }

    /** The table's read state was reset. */
    public void resetDone(String table) throws IOException {
        if (resetPending.remove(table)) {
            save();
        }
    }

    /** The table's sweep was published (Kafka acknowledged it). */
    public void swept(String table) throws IOException {
        if (sweepPending.remove(table)) {
            save();
        }
    }

    private void save() throws IOException {
        ObjectNode state = Json.mapper().createObjectNode().put("generation", generation).put("strategy", strategy);
        ArrayNode reset = state.putArray("reset_pending");
        resetPending.forEach(reset::add);
        ArrayNode sweep = state.putArray("sweep_pending");
        sweepPending.forEach(sweep::add);
        if (tables != null) {
            ArrayNode captured = state.putArray("tables");
            tables.forEach(captured::add);
        }
        file.save(state);
    }
}
