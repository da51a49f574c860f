package io.cdcflow.capture.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcflow.capture.jdbc.TableId;
import io.cdcflow.model.Op;

/**
 * One row of the change-log table: a change a trigger recorded, not yet published.
 *
 * @param seq       the change-log sequence, taken under the changed row's lock (see {@link ChangeLog})
 * @param txId      the source transaction id (PostgreSQL), or null
 * @param table     the changed table
 * @param op        create, update or delete
 * @param before    the row before the change (JSON object), null for inserts
 * @param after     the row after the change, null for deletes
 * @param changedMs when the trigger ran, epoch milliseconds
 */
public record LoggedChange(long seq, Long txId, TableId table, Op op, JsonNode before, JsonNode after, long changedMs) {
}
