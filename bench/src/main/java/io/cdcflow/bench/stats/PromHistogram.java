package io.cdcflow.bench.stats;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cumulative buckets of one Prometheus histogram family in a scrape, summed over every series whose labels
 * contain the given label filter (e.g. all tables of one sink). Two scrapes give the histogram of the window
 * between them ({@link #minus}), from which percentiles are read as bucket upper bounds.
 */
public record PromHistogram(TreeMap<Double, Double> cumulative, double count, double sumSeconds, double maxSeconds) {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)})?\\s+(\\S+)");
    private static final Pattern LE = Pattern.compile("(?:^|,)le=\"([^\"]+)\"");

    /** Parses the text exposition format; {@code family} is e.g. {@code cdc_sink_lag_seconds}. */
    public static PromHistogram parse(String scrape, String family, String labelFilter) {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        double count = 0;
        double sum = 0;
        double max = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.find()) {
                continue;
            }
            String name = m.group(1);
            String labels = m.group(3) == null ? "" : m.group(3);
            if (!labels.contains(labelFilter)) {
                continue;
            }
            double value = parseValue(m.group(4));
            if (name.equals(family + "_bucket")) {
                Matcher le = LE.matcher(labels);
                if (le.find()) {
                    buckets.merge(parseValue(le.group(1)), value, Double::sum);
                }
            } else if (name.equals(family + "_count")) {
                count += value;
            } else if (name.equals(family + "_sum")) {
                sum += value;
            } else if (name.equals(family + "_max")) {
                max = Math.max(max, value);
            }
        }
        return new PromHistogram(buckets, count, sum, max);
    }

    /** The histogram of what was recorded after {@code earlier} (bucket by bucket); max is this scrape's max. */
    public PromHistogram minus(PromHistogram earlier) {
        TreeMap<Double, Double> delta = new TreeMap<>();
        for (Map.Entry<Double, Double> e : cumulative.entrySet()) {
            delta.put(e.getKey(), e.getValue() - earlier.cumulative.getOrDefault(e.getKey(), 0.0));
        }
        return new PromHistogram(delta, count - earlier.count, sumSeconds - earlier.sumSeconds, maxSeconds);
    }

    /** The upper bound (seconds) of the first bucket holding the fraction q of the count; NaN when empty. */
    public double quantileUpperBound(double q) {
        double total = cumulative.isEmpty() ? 0 : cumulative.lastEntry().getValue();
        if (total <= 0) {
            return Double.NaN;
        }
        for (Map.Entry<Double, Double> e : cumulative.entrySet()) {
            if (e.getValue() >= q * total) {
                return e.getKey();
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    private static double parseValue(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }
}
