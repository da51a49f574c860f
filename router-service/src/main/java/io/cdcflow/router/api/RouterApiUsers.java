package io.cdcflow.router.api;

import io.cdcflow.auth.BasicCredentials;
import io.cdcflow.router.config.RouterConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.List;

/** The users of the router's write API: {@code cdc.router.api.users}. */
final class RouterApiUsers {

    private RouterApiUsers() {
    }

    @Produces
    @Singleton
    static BasicCredentials credentials(RouterConfig config) {
        return new BasicCredentials(config.api().users().orElse(List.of()));
    }
}
