package io.cdcflow.registry.auth;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which Authorization headers are accepted, and that configuration errors never show a secret. */
class CredentialsTest {

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private final Credentials credentials = new Credentials(Optional.of("cdc:cdc, admin:s3cr:et"),
            Optional.of("tok-1,tok-2"), false);

    @Test
    void acceptsConfiguredUsersOnly() {
        assertThat(credentials.accepts(basic("cdc", "cdc"))).isTrue();
        assertThat(credentials.accepts(basic("admin", "s3cr:et"))).as("passwords may hold colons").isTrue();
        assertThat(credentials.accepts(basic("cdc", "wrong"))).isFalse();
        assertThat(credentials.accepts(basic("nobody", "cdc"))).isFalse();
        assertThat(credentials.accepts(null)).isFalse();
        assertThat(credentials.accepts("Basic !!!")).isFalse();
        assertThat(credentials.accepts("Digest abc")).isFalse();
    }

    @Test
    void acceptsConfiguredBearerTokens() {
        assertThat(credentials.accepts("Bearer tok-2")).isTrue();
        assertThat(credentials.accepts("bearer tok-1")).isTrue();
        assertThat(credentials.accepts("Bearer tok-3")).isFalse();
    }

    @Test
    void withoutUsersNothingIsAcceptedAndStartUpFailsNamingTheProperty() {
        Credentials none = new Credentials(Optional.empty(), Optional.empty(), false);
        assertThat(none.accepts(basic("cdc", "cdc"))).isFalse();
        assertThatThrownBy(none::requireConfigured).hasMessageContaining("cdc.registry.auth.users")
                .hasMessageContaining("CDC_REGISTRY_AUTH_USERS");
    }

    @Test
    void aMalformedEntryIsReportedWithoutItsValue() {
        assertThatThrownBy(() -> new Credentials(Optional.of("cdc:cdc,topsecretvalue"), Optional.empty(), false))
                .hasMessageContaining("cdc.registry.auth.users").hasMessageContaining("entry 2")
                .hasMessageNotContaining("topsecretvalue");
        assertThatThrownBy(() -> new Credentials(Optional.of("user:"), Optional.empty(), false))
                .hasMessageContaining("entry 1");
    }
}
