package io.cdcflow.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The fault suite's result table: one line per scenario, printed and written as Markdown. */
final class FaultReport {

    /** One scenario's figures; {@code diffs} maps each sink to its difference from the source at the end. */
    record Line(String fault, long changes, long inFlight, double restartSeconds, double recoverySeconds, boolean converged,
                Map<String, RowDiff> diffs) {
    }

    private final String title;
    private final List<Line> lines = new ArrayList<>();

    FaultReport(String title) {
        this.title = title;
    }

    void add(Line line) {
        lines.add(line);
    }

    List<Line> lines() {
        return List.copyOf(lines);
    }

    String markdown() {
        StringBuilder out = new StringBuilder("### " + title + "\n\n")
                .append("| fault | changes | in flight at injection | restart (s) | recovery (s) | warehouse m/e/s | redis m/e/s | opensearch m/e/s |\n")
                .append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Line l : lines) {
            out.append(String.format("| %s | %d | %d | %.1f | %s | %s | %s | %s |%n", l.fault(), l.changes(), l.inFlight(),
                    l.restartSeconds(),
                    l.converged() ? String.format("%.1f", l.recoverySeconds()) : "not in " + Math.round(l.recoverySeconds()),
                    l.diffs().get("warehouse"), l.diffs().get("redis"), l.diffs().get("opensearch")));
        }
        return out.append("\nin flight: changes committed at the source and not yet committed by the slowest sink's consumer"
                        + " group when the fault began. restart: from the end of the fault until the restarted part was ready."
                        + " recovery: from the end of the fault until every sink held exactly the source's rows."
                        + " m/e/s: rows missing / extra / stale in the sink after the scenario.\n")
                .toString();
    }

    void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, markdown());
    }
}
