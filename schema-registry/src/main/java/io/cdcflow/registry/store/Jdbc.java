package io.cdcflow.registry.store;

import io.agroal.api.AgroalDataSource;
import io.cdcflow.registry.RegistryException;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Runs work in one JDBC transaction of the registry database: commits when the work returns, rolls back when it
 * throws. A database failure becomes Confluent's store error (50001), a {@link RegistryException} passes through.
 */
@ApplicationScoped
public class Jdbc {

    private static final Logger LOG = Logger.getLogger(Jdbc.class);

    /** Work on an open connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final AgroalDataSource dataSource;

    Jdbc(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Runs {@code work} in a transaction and returns its result. */
    public <T> T inTransaction(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            LOG.warnf("registry database error: %s (SQL state %s)", e.getMessage(), e.getSQLState());
            throw RegistryException.storeError(e.getMessage(), e);
        }
    }
}
