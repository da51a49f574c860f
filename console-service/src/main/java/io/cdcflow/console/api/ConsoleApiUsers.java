package io.cdcflow.console.api;

import io.cdcflow.auth.BasicCredentials;
import io.cdcflow.console.config.ConsoleConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.List;

/** The users who may act through the console (redrive, skip, pause, snapshot): {@code cdc.console.api.users}. */
final class ConsoleApiUsers {

    private ConsoleApiUsers() {
    }

    @Produces
    @Singleton
    static BasicCredentials credentials(ConsoleConfig config) {
        return new BasicCredentials(config.api().users().orElse(List.of()));
    }
}
