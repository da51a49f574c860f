package io.cdcflow.capture.jdbc;

/**
 * One column of a captured table.
 *
 * @param name     the column name as the catalog spells it
 * @param type     the Connect type it is published with
 * @param sqlType  the source's own type name, lower case (for dialect-specific image expressions)
 * @param optional true when the column is nullable
 * @param scale    the declared scale (decimals), 0 otherwise
 */
public record Column(String name, ConnectColumnType type, String sqlType, boolean optional, int scale) {

    /** This column as nullable. */
    public Column asOptional() {
        return optional ? this : new Column(name, type, sqlType, true, scale);
    }
}
