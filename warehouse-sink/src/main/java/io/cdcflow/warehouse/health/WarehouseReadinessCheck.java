package io.cdcflow.warehouse.health;

import io.agroal.api.AgroalDataSource;
import io.cdcflow.warehouse.consume.WarehouseStatus;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Readiness of the sink's store: DOWN while batches are being retried because the warehouse is unavailable, or
 * when a connection to it cannot be had and validated now; UP otherwise.
 */
@Readiness
@ApplicationScoped
public class WarehouseReadinessCheck implements HealthCheck {

    private static final int VALIDATION_SECONDS = 2;

    private final AgroalDataSource dataSource;
    private final WarehouseStatus status;

    WarehouseReadinessCheck(AgroalDataSource dataSource, WarehouseStatus status) {
        this.dataSource = dataSource;
        this.status = status;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("warehouse");
        if (status.outage().isPresent()) {
            return response.down().withData("outage", status.outage().get()).build();
        }
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(VALIDATION_SECONDS) ? response.up().build()
                    : response.down().withData("error", "connection did not validate").build();
        } catch (SQLException e) {
            return response.down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
