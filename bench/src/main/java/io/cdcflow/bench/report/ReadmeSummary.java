package io.cdcflow.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The README's benchmark figures, rendered from a results file and written between two markers in the README, so
 * that they are never copied by hand: {@code bin/bench} rewrites them after a full run, {@code bin/bench --readme
 * FILE} from a results file.
 */
public final class ReadmeSummary {

    static final String BEGIN = "<!-- bench:begin (written by bin/bench from its results file; do not edit by hand) -->";
    static final String END = "<!-- bench:end -->";

    private ReadmeSummary() {
    }

    /** The block for {@code r}, read from {@code resultFile} (a path relative to the repository). */
    public static String render(BenchResults r, String resultFile) {
        StringBuilder md = new StringBuilder();
        BenchResults.Machine m = r.machine();
        md.append(String.format(Locale.ROOT, "Latest committed run (`%s`, %s; %d cores, %s; load average before %s, after %s;"
                        + " the full figures in `bench/results/latest.md` and `%s`):%n%n", r.command(), r.startedAt(), m.cores(),
                m.jdk(), m.loadAverageBefore(), m.loadAverageAfter(), resultFile));
        double recv = MarkdownReport.rateOf(r, "pg_recvlogical");
        if (!Double.isNaN(recv)) {
            // No code of ours runs in pg_recvlogical: how fast it decoded says how fast this machine was in this run.
            md.append(String.format(Locale.ROOT, "The machine's yardstick in this run: pg_recvlogical, which runs no code of"
                    + " cdcflow, decoded %,.0f events/s; compare runs by the ratios, not the absolute figures.%n%n", recv));
        }
        if (!r.targets().isEmpty()) {
            MarkdownReport.targetsTable(md, r);
        }
        if (!r.capture().isEmpty()) {
            md.append("Capture throughput: the same backlog read by each reader on its own slot; its peak RSS over that pass"
                    + " (like for like: every reader in the same part).\n\n");
            MarkdownReport.captureTable(md, r);
        }
        if (r.drain() != null) {
            md.append("The whole pipeline working off a backlog, and the CPU each process tree spent per change:\n\n");
            MarkdownReport.drainTables(md, r.drain());
        }
        if (r.wholePath() != null) {
            md.append("The whole path source → warehouse, each path working off the same backlog on its own slot:\n\n");
            MarkdownReport.wholePathTables(md, r.wholePath());
        }
        return md.toString().stripTrailing() + "\n";
    }

    /** Replaces what lies between the markers in {@code readme} with {@code block}; fails naming the markers when absent. */
    public static void update(Path readme, String block) throws IOException {
        String text = Files.readString(readme);
        Files.writeString(readme, replace(text, block));
    }

    static String replace(String text, String block) {
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalStateException("the README has no benchmark block: it needs the lines '" + BEGIN + "' and '"
                    + END + "', in that order");
        }
        return text.substring(0, begin + BEGIN.length()) + "\n" + block + text.substring(end);
    }
}
