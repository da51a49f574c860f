package io.cdcflow.model;

import java.util.regex.Pattern;

import static io.cdcflow.model.MalformedEventException.Reason.BAD_POSITION;

/**
 * Orders the changes of one row in commit order. Sinks apply an event to a row only when its position is
 * greater than the one they hold for that row, so replays and duplicates change nothing.
 *
 * <p>A position is three non-negative numbers compared in order: the <b>generation</b>, then {@code major}, then
 * {@code minor}. The generation is raised by capture when a source's positions start again in a new number space
 * (a strategy switch, a repair snapshot, a new server history such as {@code RESET MASTER}): every change of a
 * newer generation wins over every change of an older one. It travels as {@code source.cdc_generation}; events
 * without it (a stock Debezium deployment) are generation 0. Within a generation the numbers come from the
 * envelope's {@code source} (and {@code transaction}) block:
 * <ul>
 *   <li><b>postgresql</b>: the change's LSN. For one row, later commits always have larger change LSNs
 *   (a second writer waits on the row lock until the first commits).</li>
 *   <li><b>mariadb</b> with a GTID and transaction metadata: the GTID's sequence number, then the event's
 *   {@code total_order} in its transaction. A replica's binlog carries the same GTIDs, so positions stay in order
 *   across a failover, {@code FLUSH BINARY LOGS} and purges. One GTID domain is assumed (sequence numbers of two
   *   domains are not ordered with each other). Debezium numbers a transaction's changes from 1 again when it
 *   resumes inside it, so capture commits such a source's offsets only at transaction edges: a crash replays the
 *   whole transaction at the same positions.</li>
 *   <li><b>mysql</b>, and <b>mariadb</b> without them: the binlog file number and offset ({@code file << 32 | pos};
 *   offsets are 32-bit in the binlog protocol), then the row within the event. Valid for one server's binlog
 *   history only: a switch to another server needs a new generation.</li>
 *   <li><b>trigger</b>: the change-log sequence ({@code source.seq}), taken under the row lock.</li>
 *   <li><b>timestamp</b>: the capture-assigned read sequence ({@code source.seq}, strictly increasing per source;
 *   older events without it fall back to {@code source.ts_us}, which the read sequence never goes below).</li>
 *   <li><b>kafka</b>: the Kafka offset of a record that carried no source position ({@code source.offset}: a row
 *   flattened by Debezium's unwrap transform without position fields, where the operator accepted offsets). One key
 *   stays in one partition, so it orders a row's changes, but only while the topic is not re-created.</li>
 * </ul>
 * Rows read by a snapshot get {@link #snapshot(int)}, below every streamed change of their generation: a
 * transaction in flight while the snapshot ran may have changes with coordinates below the snapshot's, yet must
 * win over what the snapshot read. A <b>sweep</b> ({@code source.cdc_sweep}, a truncate emitted after a repair
 * snapshot) gets {@link #floor(int)}, just below the snapshot rows of its generation, so it removes exactly the rows
 * of older generations that the snapshot did not read again.
 *
 * <p>Stores keep the position as its {@link #sortKey()}, a fixed-width decimal text whose plain string order is the
 * position order.
 */
public record Position(int generation, long major, long minor) implements Comparable<Position> {

    /** The position of rows read by a snapshot in generation 0: lower than any streamed change. */
    public static final Position SNAPSHOT = snapshot(0);

    /** The source field that carries the generation. */
    public static final String GENERATION_FIELD = "cdc_generation";
    /** The source field that marks a truncate as the sweep of a repair snapshot. */
    public static final String SWEEP_FIELD = "cdc_sweep";

    private static final long MAX_BINLOG_OFFSET = (1L << 32) - 1;
    private static final Pattern MARIADB_GTID = Pattern.compile("\\d+-\\d+-(\\d+)");
    private static final Pattern SORT_KEY = Pattern.compile("(\\d{10})\\.(\\d{19})\\.(\\d{19})");

    public Position {
        if (generation < 0 || major < 0 || minor < 0) {
            throw new MalformedEventException(BAD_POSITION,
                    "position parts must not be negative: " + generation + "/" + major + "/" + minor);
        }
    }

    /** A position of generation 0 (tests and sources without generations). */
    public Position(long major) {
        this(0, major, 0);
    }

    /** The position of every row a snapshot of generation {@code generation} reads. */
    public static Position snapshot(int generation) {
        return new Position(generation, 0, 1);
    }

    /** The lowest position of a generation: a sweep's, below the snapshot rows of the same generation. */
    public static Position floor(int generation) {
        return new Position(generation, 0, 0);
    }

    /** Derives the position of an event from its source and transaction blocks. */
    public static Position of(SourceInfo source, TransactionInfo transaction) {
        int generation = generation(source);
        if (source.flag(SWEEP_FIELD)) {
            return floor(generation);
        }
        if (source.isSnapshot()) {
            return snapshot(generation);
        }
        return switch (source.connector()) {
            case "postgresql" -> new Position(generation, require(source, "lsn"), 0);
            case "mysql", "mariadb" -> binlog(generation, source, transaction);
            case SourceInfo.TRIGGER -> new Position(generation, require(source, "seq"), 0);
            case SourceInfo.TIMESTAMP -> new Position(generation, source.longValue("seq")
                    .orElseGet(() -> require(source, "ts_us")), 0);
            case "kafka" -> new Position(generation, require(source, "offset"), 0);
            default -> throw new MalformedEventException(BAD_POSITION,
                    "cannot order events of connector '" + source.connector() + "'");
        };
    }

    /** A position in binlog coordinates: {@code file << 32 | offset}, then the row within the event. */
    public static Position binlog(int generation, long fileNumber, long offset, long row) {
        if (fileNumber < 0 || fileNumber > Integer.MAX_VALUE || offset < 0 || offset > MAX_BINLOG_OFFSET || row < 0) {
            throw new MalformedEventException(BAD_POSITION, "binlog coordinates out of range (file number up to "
                    + Integer.MAX_VALUE + ", offset below 4 GiB): file " + fileNumber + ", pos " + offset + ", row " + row);
        }
        return new Position(generation, fileNumber << 32 | offset, row);
    }

    private static Position binlog(int generation, SourceInfo source, TransactionInfo transaction) {
        var gtid = source.text("gtid").map(MARIADB_GTID::matcher).filter(java.util.regex.Matcher::matches);
        if (gtid.isPresent() && transaction != null && transaction.totalOrder() > 0) {
            return new Position(generation, parse(gtid.get().group(1), "gtid"), transaction.totalOrder());
        }
        String file = source.text("file").orElseThrow(
                () -> new MalformedEventException(BAD_POSITION, "source.file is missing"));
        return binlog(generation, binlogFileNumber(file), require(source, "pos"), source.longValue("row").orElse(0L));
    }

    /** {@code mysql-bin.000042} is file 42. */
    static long binlogFileNumber(String file) {
        return parse(file.substring(file.lastIndexOf('.') + 1), "binlog file number of " + file);
    }

    private static int generation(SourceInfo source) {
        long g = source.longValue(GENERATION_FIELD).orElse(0L);
        if (g < 0 || g > Integer.MAX_VALUE) {
            throw new MalformedEventException(BAD_POSITION, "source." + GENERATION_FIELD + " out of range: " + g);
        }
        return (int) g;
    }

    private static long parse(String digits, String what) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new MalformedEventException(BAD_POSITION, what + " is not a number below 2^63: " + digits, e);
        }
    }

    private static long require(SourceInfo source, String field) {
        return source.longValue(field).orElseThrow(
                () -> new MalformedEventException(BAD_POSITION, "source." + field + " is missing"));
    }

    public boolean isNewerThan(Position other) {
        return other == null || compareTo(other) > 0;
    }

    @Override
    public int compareTo(Position o) {
        int c = Integer.compare(generation, o.generation);
        if (c == 0) {
            c = Long.compare(major, o.major);
        }
        return c != 0 ? c : Long.compare(minor, o.minor);
    }

    /**
     * The stored form: generation (10 digits), major and minor (19 digits each), zero-padded and joined by dots, so
     * that comparing two keys as plain strings (byte by byte, or in any collation that orders digits) compares the
     * positions.
     */
    public String sortKey() {
        StringBuilder b = new StringBuilder(50);
        pad(b, generation, 10).append('.');
        pad(b, major, 19).append('.');
        return pad(b, minor, 19).toString();
    }

    private static StringBuilder pad(StringBuilder b, long value, int width) {
        String digits = Long.toString(value);
        b.repeat('0', width - digits.length());
        return b.append(digits);
    }

    /** Reads a {@link #sortKey()} back. */
    public static Position parseSortKey(String key) {
        var m = SORT_KEY.matcher(key);
        if (!m.matches()) {
            throw new MalformedEventException(BAD_POSITION, "not a position sort key: " + key);
        }
        return new Position(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)));
    }

    /** {@code generation/major/minor}, for logs. */
    @Override
    public String toString() {
        return generation + "/" + major + "/" + minor;
    }
}
