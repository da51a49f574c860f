package io.cdcflow.registry.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The credentials the registry accepts, parsed once from {@code cdc.registry.auth.users} and
 * {@code cdc.registry.auth.tokens} (the bean is produced from the configuration in the {@code config} package).
 * Only SHA-256 digests are kept, compared in constant time; no method of this class puts a password or token in a
 * message.
 */
public class Credentials {

    static final String USERS_PROPERTY = "cdc.registry.auth.users";
    static final String TOKENS_PROPERTY = "cdc.registry.auth.tokens";

    private final Map<String, byte[]> passwordDigests;
    private final List<byte[]> tokenDigests;
    private final boolean protectReads;

    /** Builds the credential set from the raw property values. */
    public Credentials(Optional<String> users, Optional<String> tokens, boolean protectReads) {
        this.passwordDigests = users.map(Credentials::parseUsers).orElse(null);
        this.tokenDigests = tokens.map(Credentials::parseTokens).orElse(List.of());
        this.protectReads = protectReads;
    }

    /** Fails when no user is configured: the registry never runs with open writes. */
    public void requireConfigured() {
        if (passwordDigests == null) {
            throw new IllegalStateException(USERS_PROPERTY + " (env CDC_REGISTRY_AUTH_USERS) is not set: the registry"
                    + " needs at least one user:password allowed to write");
        }
    }

    /** Whether reads need a credential too. */
    public boolean protectReads() {
        return protectReads;
    }

    /** Whether an {@code Authorization} header value carries an accepted credential. */
    public boolean accepts(String authorization) {
        if (authorization == null || passwordDigests == null) {
            return false;
        }
        int space = authorization.indexOf(' ');
        if (space < 0) {
            return false;
        }
        String scheme = authorization.substring(0, space);
        String value = authorization.substring(space + 1).strip();
        if (scheme.equalsIgnoreCase("Basic")) {
            return acceptsBasic(value);
        }
        if (scheme.equalsIgnoreCase("Bearer")) {
            byte[] digest = sha256(value);
            boolean found = false;
            for (byte[] t : tokenDigests) {
                found |= MessageDigest.isEqual(t, digest);
            }
            return found;
        }
        return false;
    }

    private boolean acceptsBasic(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        byte[] expected = passwordDigests.get(decoded.substring(0, colon));
        byte[] given = sha256(decoded.substring(colon + 1));
        // Compare even for an unknown user, so that timing does not tell which users exist.
        return MessageDigest.isEqual(expected == null ? new byte[given.length] : expected, given) && expected != null;
    }

    static Map<String, byte[]> parseUsers(String raw) {
        Map<String, byte[]> users = new HashMap<>();
        String[] entries = raw.split(",");
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].strip();
            int colon = entry.indexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new IllegalStateException(USERS_PROPERTY + ": entry " + (i + 1)
                        + " is not of the form user:password (value not shown)");
            }
            users.put(entry.substring(0, colon), sha256(entry.substring(colon + 1)));
        }
        return Map.copyOf(users);
    }

    static List<byte[]> parseTokens(String raw) {
        return java.util.Arrays.stream(raw.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .map(Credentials::sha256).toList();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
