package io.cdcflow.warehouse.write;

import io.cdcflow.sink.SinkChange;

/**
 * A row change ready for the statements: one value per source column of the table shape (in its order, null
 * where the event has none), and whether it is a delete (a tombstone).
 */
record BoundRow(RowChange row, Object[] values, boolean deleted) {

    SinkChange change() {
        return row.change();
    }
}
