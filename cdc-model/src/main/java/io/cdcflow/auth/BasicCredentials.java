package io.cdcflow.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * The users allowed to act through a service's write API, as {@code user:password} entries, and the check of an
 * HTTP Basic {@code Authorization} header against them: every entry is compared in constant time, and the header
 * is never logged. No entry means the write API answers 403 to everyone.
 */
public final class BasicCredentials {

    private final List<byte[]> users;

    /** From the configured {@code user:password} entries; blank ones and ones without a colon are ignored. */
    public BasicCredentials(List<String> entries) {
        this.users = entries.stream().map(String::strip).filter(u -> u.indexOf(':') > 0)
                .map(u -> u.getBytes(StandardCharsets.UTF_8)).toList();
    }

    /** True when write requests can be accepted at all (some user is configured). */
    public boolean enabled() {
        return !users.isEmpty();
    }

    /** The user name of an accepted {@code Authorization} header; empty when it is missing or wrong. */
    public Optional<String> user(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        byte[] given;
        try {
            given = java.util.Base64.getDecoder().decode(authorization.substring(6).strip());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        byte[] match = null;
        for (byte[] user : users) {
            if (MessageDigest.isEqual(user, given)) {
                match = user;
            }
        }
        if (match == null) {
            return Optional.empty();
        }
        String entry = new String(match, StandardCharsets.UTF_8);
        return Optional.of(entry.substring(0, entry.indexOf(':')));
    }
}
