package io.cdcflow.warehouse.sql;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Validates and quotes PostgreSQL identifiers. Names come from sources (schemas, tables, columns) and from
 * configuration, so they are never pasted into SQL as they are: each is checked (not empty, at most 63 bytes,
 * which PostgreSQL would otherwise silently truncate, no control characters) and double-quoted with inner quotes
 * doubled, which keeps its case and any character it has.
 */
public final class Identifiers {

    /** PostgreSQL's identifier limit (NAMEDATALEN - 1), in bytes. */
    public static final int MAX_BYTES = 63;

    private Identifiers() {
    }

    /** Why {@code name} cannot be an identifier of at most {@code maxBytes} bytes; empty when it can. */
    public static Optional<String> problem(String name, int maxBytes) {
        if (name == null || name.isEmpty()) {
            return Optional.of("is empty");
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxBytes) {
            return Optional.of("'" + name + "' is " + bytes + " bytes long, over the limit of " + maxBytes);
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                return Optional.of("'" + name.replaceAll("\\p{Cntrl}", "?") + "' contains a control character");
            }
        }
        return Optional.empty();
    }

    /** The quoted form of a valid identifier; throws {@link InvalidIdentifierException} for an invalid one. */
    public static String quote(String name) {
        require(name, MAX_BYTES, "identifier");
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** {@code "schema"."name"}. */
    public static String qualified(String schema, String name) {
        return quote(schema) + "." + quote(name);
    }

    /** Checks a name, naming {@code what} it is in the exception. */
    public static void require(String name, int maxBytes, String what) {
        problem(name, maxBytes).ifPresent(p -> {
            throw new InvalidIdentifierException(what + " " + p);
        });
    }
}
