package io.cdcflow.capture.jdbc;

import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The stack's MariaDB for capture ITs: connections as the capture user, and the one server setting triggers need. */
public final class MariaDbTestSupport {

    private MariaDbTestSupport() {
    }

    public static Connection connect() throws Exception {
        StackEndpoints stack = Stack.up();
        return DriverManager.getConnection(stack.mariadbJdbcUrl(), stack.get("CDC_MARIADB_USER"), stack.get("CDC_MARIADB_PASSWORD"));
    }

    /** A polling source over tables of the stack's MariaDB database. */
    public static JdbcSource source(String name, String... tables) {
        StackEndpoints stack = Stack.up();
        String db = stack.get("CDC_MARIADB_DB");
        return new JdbcSource(name, new MariaDbDialect(true), stack.get("CDC_MARIADB_HOST"),
                Integer.parseInt(stack.get("CDC_MARIADB_PORT")), db, stack.get("CDC_MARIADB_USER"),
                stack.get("CDC_MARIADB_PASSWORD"), java.util.Arrays.stream(tables).map(t -> new TableId(db, t)).toList(),
                Duration.ofMillis(100), 2);
    }

    /**
     * With binary logging on, a user without SUPER may create triggers only when
     * {@code log_bin_trust_function_creators} is on. The stack does not set it (yet), so this sets it through the
     * stack's admin socket when it is off; it lasts until the server restarts.
     */
    public static void allowTriggers() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@log_bin_trust_function_creators")) {
            rs.next();
            if (rs.getInt(1) == 1) {
                return;
            }
        }
        String home = System.getenv().getOrDefault("CDC_STACK_HOME", Stack.home().resolve(".stack").toString());
        Path socket = Path.of(home, "run", "mariadb", "mariadb.sock");
        Process p = new ProcessBuilder(List.of("mariadb", "--no-defaults", "--protocol=socket", "--socket=" + socket,
                "-u", System.getProperty("user.name"), "-e", "SET GLOBAL log_bin_trust_function_creators = 1"))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("cannot set log_bin_trust_function_creators through " + socket + ": " + out);
        }
    }
}
