package io.cdcflow.bench;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The bench's progress lines on stdout, each stamped with the UTC time of day. */
final class BenchLog {

    private BenchLog() {
    }

    static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "%s %s%n", DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC)
                .format(Instant.now()), String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
