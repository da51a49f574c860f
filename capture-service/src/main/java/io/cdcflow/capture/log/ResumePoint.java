package io.cdcflow.capture.log;

import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.Map;

/**
 * Which records' offsets capture may commit: the offset a source resumes from after a crash must not make Debezium
 * number a transaction's changes again differently.
 *
 * <p>A MySQL/MariaDB change's position with a GTID is the GTID's sequence number, then the change's
 * {@code transaction.total_order}. Debezium keeps no count of the changes it skips when it resumes <em>inside</em> a
 * transaction (its binlog offset's {@code event} and {@code row}): the transaction begins again at order 1 with the
 * first change not yet published. The transaction's later changes would then reach the sinks with positions below
 * the ones they already hold, a row changed twice in it would keep its first state, and nothing would say so. So for
 * a binlog source with transaction metadata, only offsets at a transaction's edge are committed: a record outside
 * any transaction, the transaction's BEGIN marker (nothing to skip yet), and its END marker (a resume from it skips
 * the whole transaction). A crash in a transaction replays it whole, at the same positions: exact
 * re-deliveries, which every sink ignores.
 *
 * <p>PostgreSQL (LSN positions) and binlog sources without transaction metadata (file and offset positions) do not
 * depend on the numbering, and every offset is a resume point.
 */
final class ResumePoint {

    /** Debezium's binlog offset keys: events and rows of the current transaction to skip on resume. */
    private static final String EVENTS_TO_SKIP = "event";
    private static final String ROWS_TO_SKIP = "row";
    /** Present in an offset while a transaction's metadata is being written. */
    private static final String TRANSACTION_ID = "transaction_id";

    private ResumePoint() {
    }

    /** Whether a resume from this record's offset numbers every change not yet published as the first run did. */
    static boolean isResumePoint(SourceRecord record) {
        Map<String, ?> offset = record.sourceOffset();
        if (offset == null || offset.get(TRANSACTION_ID) == null) {
            return true;
        }
        if (positive(offset.get(EVENTS_TO_SKIP)) || positive(offset.get(ROWS_TO_SKIP))) {
            return isTransactionEnd(record);
        }
        return true;
    }

    private static boolean positive(Object count) {
        return count instanceof Number n && n.longValue() > 0;
    }

    /** Debezium's transaction metadata record that closes a transaction ({@code status: END}). */
    static boolean isTransactionEnd(SourceRecord record) {
        return record.value() instanceof Struct value && value.schema().field("status") != null
                && value.schema().field("event_count") != null && "END".equals(value.get("status"));
    }
}
