package io.cdcflow.warehouse.health;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Readiness of the warehouse connection: DOWN when a connection to it cannot be had and validated now. (Whether
 * writes go through is cdc-sink's readiness check.)
 */
@Readiness
@ApplicationScoped
public class WarehouseReadinessCheck implements HealthCheck {

    private static final int VALIDATION_SECONDS = 2;

    private final AgroalDataSource dataSource;

    WarehouseReadinessCheck(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("warehouse");
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(VALIDATION_SECONDS) ? response.up().build()
                    : response.down().withData("error", "connection did not validate").build();
        } catch (SQLException e) {
            return response.down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
