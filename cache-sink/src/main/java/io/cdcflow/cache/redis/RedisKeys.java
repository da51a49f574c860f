package io.cdcflow.cache.redis;

import io.cdcflow.model.RowKey;
import io.cdcflow.model.TableRef;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Names the sink's Redis keys. A row lives at {@code <prefix>:<source>.<namespace>.<table>:<row key>}, where the row
 * key is {@link RowKey#asString()} (key column values joined by {@code :}); a table's own hash (its truncate
 * watermark) at {@code <prefix>:<source>.<namespace>.<table>}. A {@code \} or {@code :} inside the table's
 * qualified name is escaped with a backslash, like inside row keys, so that the table part never contains a bare
 * {@code :}: no table key equals a row key, and the rows of one table never match another table's SCAN pattern.
 */
public final class RedisKeys {

    private static final int MAX_REMEMBERED = 10_000;

    private final String prefix;
    /** Each table's key, made once rather than per change (bounded; tables are few). */
    private final Map<TableRef, String> tableKeys = new ConcurrentHashMap<>();

    public RedisKeys(String prefix) {
        this.prefix = prefix;
    }

    /** The table's hash: {@code <prefix>:<source>.<namespace>.<table>}. */
    public String table(TableRef table) {
        String key = tableKeys.get(table);
        if (key == null) {
            key = prefix + ':' + escape(table.qualifiedName());
            if (tableKeys.size() < MAX_REMEMBERED) {
                tableKeys.put(table, key);
            }
        }
        return key;
    }

    /** The row's hash: {@code <prefix>:<source>.<namespace>.<table>:<row key>}. */
    public String row(TableRef table, RowKey key) {
        return table(table) + ':' + key.asString();
    }

    /** A SCAN {@code MATCH} pattern for every row key of the table (and of no other table). */
    public String rowPattern(TableRef table) {
        return globEscape(table(table)) + ":*";
    }

    static String escape(String name) {
        return name.replace("\\", "\\\\").replace(":", "\\:");
    }

    /** Escapes the characters Redis glob patterns give a meaning to, so they match only themselves. */
    static String globEscape(String literal) {
        StringBuilder out = new StringBuilder(literal.length() + 8);
        for (int i = 0; i < literal.length(); i++) {
            char ch = literal.charAt(i);
            if (ch == '*' || ch == '?' || ch == '[' || ch == ']' || ch == '\\') {
                out.append('\\');
            }
            out.append(ch);
        }
        return out.toString();
    }
}
