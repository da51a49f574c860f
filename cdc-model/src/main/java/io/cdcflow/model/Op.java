package io.cdcflow.model;

/**
 * The operation of a change event, with the one-letter code Debezium writes in the envelope's {@code op} field.
 *
 * <p>An enum rather than a sealed interface: the set is closed and carries no data per case.
 */
public enum Op {
    CREATE("c"),
    UPDATE("u"),
    DELETE("d"),
    /** A row read by a snapshot, not a change. */
    READ("r"),
    TRUNCATE("t");

    private final String code;

    Op(String code) {
        this.code = code;
    }

    /** The code written in the envelope. */
    public String code() {
        return code;
    }

    /** True for operations whose {@code after} image is the row's new state. */
    public boolean writesRow() {
        return this == CREATE || this == UPDATE || this == READ;
    }

    /** Parses an envelope code, failing with {@link MalformedEventException.Reason#UNKNOWN_OP} otherwise. */
    public static Op fromCode(String code) {
        if (code != null && code.length() == 1) {
            for (Op op : values()) {
                if (op.code.equals(code)) {
                    return op;
                }
            }
        }
        throw new MalformedEventException(MalformedEventException.Reason.UNKNOWN_OP, "unknown op '" + code + "'");
    }
}
