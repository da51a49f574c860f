package io.cdcflow.model;

import static io.cdcflow.model.MalformedEventException.Reason.BAD_POSITION;

/**
 * Orders the changes of one row in commit order. Sinks apply an event to a row only when its position is
 * greater than the one they hold for that row, so replays and duplicates change nothing.
 *
 * <p>A position is one non-negative {@code long}, because every store must compare it atomically and
 * OpenSearch's external versioning takes nothing else. It is derived from the envelope's {@code source} block
 * (so topics written by a stock Debezium deployment work too):
 * <ul>
 *   <li><b>postgresql</b>: the change's LSN. For one row, later commits always have larger change LSNs
 *   (a second writer waits on the row lock until the first commits). Rows read by a snapshot get
 *   {@link #SNAPSHOT}, below every streamed change: a transaction in flight while the snapshot ran has
 *   changes with LSNs below the snapshot's, yet must win over what the snapshot read.</li>
 *   <li><b>mysql</b>, <b>mariadb</b>: binlog file number, offset and row within the event, packed
 *   (16 + 32 + 15 bits); the binlog is written in commit order. Snapshot rows sit just below the first
 *   streamed event at the snapshot's coordinates.</li>
 *   <li><b>trigger</b>: the change-log sequence ({@code source.seq}), taken under the row lock. Rows read by its
 *   initial snapshot get {@link #SNAPSHOT}: the triggers existed before the read, so every change the read may
 *   have missed is in the change log with a higher position.</li>
 *   <li><b>timestamp</b>: the row's {@code updated_at} in epoch microseconds ({@code source.ts_us}).</li>
 * </ul>
 */
public record Position(long value) implements Comparable<Position> {

    /** The position of every row read by a PostgreSQL snapshot: lower than any streamed change. */
    public static final Position SNAPSHOT = new Position(0);

    private static final int ROW_BITS = 15;
    private static final int OFFSET_BITS = 32;
    private static final int FILE_BITS = 16;

    public Position {
        if (value < 0) {
            throw new MalformedEventException(BAD_POSITION, "position must not be negative: " + value);
        }
    }

    /** Derives the position of an event from its source block and operation. */
    public static Position of(SourceInfo source) {
        return switch (source.connector()) {
            case "postgresql" -> source.isSnapshot() ? SNAPSHOT : new Position(require(source, "lsn"));
            case "mysql", "mariadb" -> binlog(source);
            case SourceInfo.TRIGGER -> source.isSnapshot() ? SNAPSHOT : new Position(require(source, "seq"));
            case SourceInfo.TIMESTAMP -> new Position(require(source, "ts_us"));
            default -> throw new MalformedEventException(BAD_POSITION,
                    "cannot order events of connector '" + source.connector() + "'");
        };
    }

    /** Packs binlog coordinates; {@code row} is -1 for snapshot rows so they order before streamed row 0. */
    public static Position binlog(long fileNumber, long offset, long row) {
        long rowSlot = row + 1;
        if (fileNumber < 0 || fileNumber >= (1L << FILE_BITS) || offset < 0 || offset >= (1L << OFFSET_BITS)
                || rowSlot < 0 || rowSlot >= (1L << ROW_BITS)) {
            throw new MalformedEventException(BAD_POSITION,
                    "binlog coordinates out of range: file " + fileNumber + ", pos " + offset + ", row " + row);
        }
        return new Position((fileNumber << (OFFSET_BITS + ROW_BITS)) | (offset << ROW_BITS) | rowSlot);
    }

    private static Position binlog(SourceInfo source) {
        String file = source.text("file").orElseThrow(
                () -> new MalformedEventException(BAD_POSITION, "source.file is missing"));
        long row = source.isSnapshot() ? -1 : source.longValue("row").orElse(0L);
        return binlog(binlogFileNumber(file), require(source, "pos"), row);
    }

    /** {@code mysql-bin.000042} is file 42. */
    static long binlogFileNumber(String file) {
        int dot = file.lastIndexOf('.');
        try {
            return Long.parseLong(file.substring(dot + 1));
        } catch (NumberFormatException e) {
            throw new MalformedEventException(BAD_POSITION, "binlog file name without a number: " + file, e);
        }
    }

    private static long require(SourceInfo source, String field) {
        return source.longValue(field).orElseThrow(
                () -> new MalformedEventException(BAD_POSITION, "source." + field + " is missing"));
    }

    public boolean isNewerThan(Position other) {
        return other == null || value > other.value;
    }

    @Override
    public int compareTo(Position o) {
        return Long.compare(value, o.value);
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
