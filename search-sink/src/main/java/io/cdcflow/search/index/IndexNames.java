package io.cdcflow.search.index;

import io.cdcflow.model.TableRef;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * Names the index of each table and the filtered alias that hides tombstones. The default index name is
 * {@code <prefix>-<source>.<namespace>.<table>}, lower-cased, with every character OpenSearch forbids in an index
 * name ({@code \ / * ? " < > | , # :}, white space) replaced by {@code _}; a name that had to be changed so, or that
 * is longer than OpenSearch's 255 bytes (alias suffix included, then cut), ends with {@code -} and a hash of the
 * table's exact name, so tables whose names differ only by case or by such a character never share an index. An
 * explicit name per table can be configured and is validated as it is, never rewritten.
 */
public final class IndexNames {

    /** OpenSearch's limit on index and alias names, in UTF-8 bytes. */
    public static final int MAX_BYTES = 255;

    private static final String FORBIDDEN = "\\/*?\"<>|,#:";

    private final String prefix;
    private final Map<String, String> explicit;
    private final String aliasSuffix;

    public IndexNames(String prefix, Map<String, String> explicit, String aliasSuffix) {
        this.prefix = prefix;
        this.explicit = Map.copyOf(explicit);
        this.aliasSuffix = aliasSuffix;
    }

    /** The index a table's documents are written to. */
    public String indexFor(TableRef table) {
        String configured = explicit.get(table.qualifiedName());
        if (configured != null) {
            return configured;
        }
        String raw = prefix + "-" + table.qualifiedName();
        String name = sanitize(raw);
        String hash = "-" + crc32(table.qualifiedName());
        int room = MAX_BYTES - bytes(aliasSuffix);
        if (!name.equals(raw)) {
            // Lower-casing or replacing characters could map two tables ("Orders", "orders", "a b", "a_b") to one
            // index, mixing their documents; the hash of the exact name keeps them apart.
            return bytes(name) + bytes(hash) <= room ? name + hash : cutToBytes(name, room - bytes(hash)) + hash;
        }
        if (bytes(name) <= room) {
            return name;
        }
        return cutToBytes(name, room - bytes(hash)) + hash;
    }

    /** The alias that shows an index's live rows only: the name searches should use. */
    public String aliasFor(String index) {
        return index + aliasSuffix;
    }

    /**
     * Why a name cannot be an OpenSearch index or alias name, or empty when it can: lower case only, none of
     * {@code \ / * ? " < > | , # :} or white space, not starting with {@code - _ + .}, at most 255 bytes.
     */
    public static Optional<String> problem(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("is empty");
        }
        if (!name.equals(name.toLowerCase(Locale.ROOT))) {
            return Optional.of("'" + name + "' has upper-case letters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (FORBIDDEN.indexOf(c) >= 0 || Character.isWhitespace(c) || Character.isISOControl(c)) {
                return Optional.of("'" + name + "' contains the forbidden character '" + c + "'");
            }
        }
        if ("-_+.".indexOf(name.charAt(0)) >= 0) {
            return Optional.of("'" + name + "' starts with '" + name.charAt(0) + "'");
        }
        if (bytes(name) > MAX_BYTES) {
            return Optional.of("'" + name + "' is longer than " + MAX_BYTES + " bytes");
        }
        return Optional.empty();
    }

    static String sanitize(String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        String lower = raw.toLowerCase(Locale.ROOT);
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            boolean bad = FORBIDDEN.indexOf(c) >= 0 || Character.isWhitespace(c) || Character.isISOControl(c);
            out.append(bad ? '_' : c);
        }
        return out.toString();
    }

    private static String cutToBytes(String s, int maxBytes) {
        int end = s.length();
        while (end > 0 && bytes(s.substring(0, end)) > maxBytes) {
            end--;
        }
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String crc32(String s) {
        CRC32 crc = new CRC32();
        crc.update(s.getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", crc.getValue());
    }
}
