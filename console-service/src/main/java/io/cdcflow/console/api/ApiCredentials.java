package io.cdcflow.console.api;

import io.cdcflow.console.config.ConsoleConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Checks the HTTP Basic credential of an action against {@code cdc.console.api.users}, in constant time; the header is
 * never logged. (The router's write API checks its own users the same way.)
 */
@ApplicationScoped
public class ApiCredentials {

    private final List<String> users;

    ApiCredentials(ConsoleConfig config) {
        this.users = config.api().users().orElse(List.of()).stream().map(String::strip).filter(u -> u.contains(":"))
                .toList();
    }

    /** True when actions can be accepted at all (some user is configured). */
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
            given = Base64.getDecoder().decode(authorization.substring(6).strip());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        String match = null;
        for (String user : users) {
            if (MessageDigest.isEqual(user.getBytes(StandardCharsets.UTF_8), given)) {
                match = user;
            }
        }
        return match == null ? Optional.empty() : Optional.of(match.substring(0, match.indexOf(':')));
    }
}
