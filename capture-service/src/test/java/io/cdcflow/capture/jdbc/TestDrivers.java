package io.cdcflow.capture.jdbc;

/**
 * Registers the PostgreSQL and MariaDB JDBC drivers from the tests' class loader. DriverManager hands out only
 * drivers of the caller's class loader, and a {@code @QuarkusTest} that ran earlier in the same JVM registered its
 * drivers from its own; a test that calls DriverManager directly calls {@link #load} first (in a static block).
 */
public final class TestDrivers {

    private TestDrivers() {
    }

    public static void load() {
        try {
            Class.forName("org.postgresql.Driver");
            Class.forName("org.mariadb.jdbc.Driver");
        } catch (ClassNotFoundException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
