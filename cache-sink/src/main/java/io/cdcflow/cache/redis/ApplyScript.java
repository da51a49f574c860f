package io.cdcflow.cache.redis;

import io.cdcflow.model.Op;
import io.cdcflow.sink.SinkChange;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The one Lua script that writes rows ({@code apply-change.lua}, next to this class, documents its keys and
 * arguments), and the commands that load and call it. Every call names its keys in {@code KEYS}, so the script
 * touches nothing else.
 */
public final class ApplyScript {

    /** The script's text. */
    public static final String SOURCE = load();
    /** Its SHA-1, the name EVALSHA calls it by (Redis derives the same from the text on SCRIPT LOAD). */
    public static final String SHA = sha1(SOURCE);

    /** What the script answers when it applied the change. */
    public static final long APPLIED = 1;

    private ApplyScript() {
    }

    /** {@code SCRIPT LOAD <source>}. */
    public static Request loadRequest() {
        return Request.cmd(Command.SCRIPT).arg("LOAD").arg(SOURCE);
    }

    /**
     * The EVALSHA writing one row change (create, update, snapshot read or delete).
     *
     * @param keys   the key naming
     * @param policy the table's policy (row TTL, column selection)
     * @param tombstoneTtlMillis time to live of a tombstone, 0 for none
     */
    public static Request rowRequest(RedisKeys keys, SinkChange change, TablePolicy policy, long tombstoneTtlMillis) {
        return evalsha(rowArguments(keys, change, policy, tombstoneTtlMillis));
    }

    /** The EVALSHA arguments after the SHA, for a row change: numkeys, KEYS, ARGV. */
    static List<String> rowArguments(RedisKeys keys, SinkChange change, TablePolicy policy, long tombstoneTtlMillis) {
        Op op = change.event().op();
        if (op == Op.TRUNCATE) {
            throw new IllegalArgumentException("a truncate is not a row change");
        }
        String table = keys.table(change.table());
        String row = keys.row(change.table(), change.key());
        String position = change.position().sortKey();
        return switch (op) {
            case CREATE, UPDATE, READ -> List.of("2", table, row, "u", position,
                    policy.project(change.event().after()).toString(), Long.toString(policy.rowTtlMillis()));
            case DELETE -> List.of("2", table, row, "d", position, "", Long.toString(tombstoneTtlMillis));
            case TRUNCATE -> throw new IllegalStateException("unreachable");
        };
    }

    /**
     * The EVALSHA of a truncate: raises the table's watermark to the truncate's position and, when {@code rowKey} is
     * given (a key found by SCAN), tombstones that row if it is older.
     */
    public static Request truncateRequest(String tableKey, String rowKey, String position, long tombstoneTtlMillis) {
        return evalsha(truncateArguments(tableKey, rowKey, position, tombstoneTtlMillis));
    }

    static List<String> truncateArguments(String tableKey, String rowKey, String position, long tombstoneTtlMillis) {
        String ttl = Long.toString(tombstoneTtlMillis);
        return rowKey == null
                ? List.of("1", tableKey, "t", position, "", ttl)
                : List.of("2", tableKey, rowKey, "t", position, "", ttl);
    }

    private static Request evalsha(List<String> arguments) {
        Request r = Request.cmd(Command.EVALSHA).arg(SHA);
        arguments.forEach(r::arg);
        return r;
    }

    private static String load() {
        try (InputStream in = ApplyScript.class.getResourceAsStream("apply-change.lua")) {
            if (in == null) {
                throw new IllegalStateException("apply-change.lua is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-1", e);
        }
    }
}
