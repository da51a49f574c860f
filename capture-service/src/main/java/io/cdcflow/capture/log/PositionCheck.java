package io.cdcflow.capture.log;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.MalformedEventException;
import io.cdcflow.model.Position;
import io.cdcflow.model.SourceInfo;
import io.cdcflow.model.TransactionInfo;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

/**
 * Forms, before it is published, the position every consumer will derive from a change's {@code source} block
 * ({@link Position#of}), so that a change whose position cannot be formed stops its source with the recovery
 * instead of reaching the router as a stream of {@code bad_position} dead letters. Only binlog coordinates can fail
 * (a file number above 2^31 - 1, an offset of 4 GiB or more, a GTID sequence of 2^63 or more); PostgreSQL LSNs and
 * the trigger and timestamp sequences always fit, and are not checked.
 */
final class PositionCheck {

    private PositionCheck() {
    }

    /** Fails with {@link PositionLimitException} when the envelope's position cannot be formed. */
    static void check(String sourceName, Struct envelope) {
        if (envelope.schema().field("source") == null || !(envelope.get("source") instanceof Struct source)
                || source.schema().field("connector") == null) {
            return;
        }
        String connector = String.valueOf(source.get("connector"));
        if (!connector.equals("mysql") && !connector.equals("mariadb")) {
            return;
        }
        ObjectNode fields = JsonNodeFactory.instance.objectNode();
        for (Field f : source.schema().fields()) {
            switch (source.get(f)) {
                case null -> { }
                case String s -> fields.put(f.name(), s);
                case Long l -> fields.put(f.name(), l);
                case Integer i -> fields.put(f.name(), i);
                case Boolean b -> fields.put(f.name(), b);
                default -> { }
            }
        }
        TransactionInfo transaction = null;
        if (envelope.schema().field("transaction") != null && envelope.get("transaction") instanceof Struct tx
                && tx.schema().field("total_order") != null && tx.get("total_order") instanceof Number order) {
            transaction = new TransactionInfo(String.valueOf(tx.get("id")), order.longValue(), 0);
        }
        try {
            Position.of(new SourceInfo(fields), transaction);
        } catch (MalformedEventException e) {
            throw new PositionLimitException(sourceName, e.getMessage());
        }
    }

    /** A change whose position cannot be formed: the source stops, and its health names the recovery. */
    static final class PositionLimitException extends IllegalStateException {
        PositionLimitException(String source, String detail) {
            super("source " + source + ": a change's position cannot be formed (" + detail + "); nothing past it is "
                    + "published, so no sink can take it for an older change. Recovery: have the server start a new "
                    + "binlog history (RESET MASTER, or a new server), or enable GTIDs with "
                    + "provide.transaction.metadata, then run `bin/cdcflow repair " + source + "`: the repair starts a "
                    + "new generation whose positions begin again (see the README, \"Repairs and generations\")");
        }
    }
}
