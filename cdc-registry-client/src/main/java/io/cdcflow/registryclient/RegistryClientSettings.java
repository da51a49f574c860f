package io.cdcflow.registryclient;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the registry is and how to retry it.
 *
 * @param url            base URL of the registry's Confluent-compatible REST API
 * @param timeout        time allowed for one request (and to connect)
 * @param username       user for HTTP Basic authentication of writes; none when absent
 * @param password       its password
 * @param initialBackoff first wait after a failed request
 * @param maxBackoff     cap of the doubling waits
 */
public record RegistryClientSettings(String url, Duration timeout, Optional<String> username,
                                     Optional<String> password, Duration initialBackoff, Duration maxBackoff) {

    public RegistryClientSettings {
        Objects.requireNonNull(url, "url");
        url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** Settings without a credential (reads only). */
    public static RegistryClientSettings anonymous(String url, Duration timeout, Duration initialBackoff,
                                                   Duration maxBackoff) {
        return new RegistryClientSettings(url, timeout, Optional.empty(), Optional.empty(), initialBackoff, maxBackoff);
    }
}
