package io.cdcflow.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Objects;

/**
 * One change of one row, in Debezium's envelope: the row before and after, the operation, when the
 * connector processed it, where it came from, and the transaction it belongs to.
 *
 * @param before      the row before the change; null for creates and snapshot reads (and for updates when
 *                    the source does not log old images)
 * @param after       the row after the change; null for deletes
 * @param op          the operation
 * @param tsMs        when the connector processed the change, epoch milliseconds
 * @param source      where the change came from, including the source commit time
 * @param transaction the transaction block, or null when the connector does not provide one
 */
public record ChangeEvent(ObjectNode before, ObjectNode after, Op op, long tsMs, SourceInfo source,
                          TransactionInfo transaction) {

    public ChangeEvent {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(source, "source");
        if (op.writesRow() && after == null) {
            throw new MalformedEventException(MalformedEventException.Reason.NOT_AN_ENVELOPE,
                    "op '" + op.code() + "' without an 'after' image");
        }
        if (op == Op.DELETE && before == null) {
            throw new MalformedEventException(MalformedEventException.Reason.NOT_AN_ENVELOPE,
                    "op 'd' without a 'before' image");
        }
    }

    /** The position that orders this change among the changes of its row. */
    public Position position() {
        return Position.of(source, transaction);
    }

    /** The table this change belongs to. */
    public TableRef table() {
        return source.tableRef();
    }

    /** The row image a sink stores: {@code after}, or {@code before} for a delete. */
    public ObjectNode row() {
        return after != null ? after : before;
    }
}
