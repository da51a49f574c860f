package io.cdcflow.auth;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BasicCredentialsTest {

    private static String basic(String userPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userPassword.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aConfiguredUserIsRecognisedByName() {
        BasicCredentials credentials = new BasicCredentials(List.of(" ops:s3cret ", "admin:pa:ss"));
        assertThat(credentials.enabled()).isTrue();
        assertThat(credentials.user(basic("ops:s3cret"))).hasValue("ops");
        assertThat(credentials.user(basic("admin:pa:ss"))).as("a colon in the password").hasValue("admin");
        assertThat(credentials.user("basic " + basic("ops:s3cret").substring(6))).as("scheme in any case").hasValue("ops");
    }

    @Test
    void anythingElseIsRefused() {
        BasicCredentials credentials = new BasicCredentials(List.of("ops:s3cret"));
        assertThat(credentials.user(basic("ops:wrong"))).isEmpty();
        assertThat(credentials.user(basic("ops"))).isEmpty();
        assertThat(credentials.user("Bearer abc")).isEmpty();
        assertThat(credentials.user("Basic %%%")).isEmpty();
        assertThat(credentials.user(null)).isEmpty();
    }

    @Test
    void noUsersMeansNoWrites() {
        BasicCredentials credentials = new BasicCredentials(List.of("", "nocolon"));
        assertThat(credentials.enabled()).isFalse();
        assertThat(credentials.user(basic("nocolon"))).isEmpty();
    }
}
