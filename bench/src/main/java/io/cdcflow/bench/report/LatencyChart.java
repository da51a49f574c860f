package io.cdcflow.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.imageio.ImageIO;

/**
 * Draws p99 latency (ms, log scale) against the committed rate (changes/s) for commit-to-Kafka and for each
 * sink, with Java2D (headless), into a PNG.
 */
public final class LatencyChart {

    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
        new Color(0x9467bd)};
    private static final int W = 900;
    private static final int H = 560;
    private static final int LEFT = 80;
    private static final int RIGHT = 200;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;

    private LatencyChart() {
    }

    /** The series drawn: name to points (committed rate, p99 ms), in step order. */
    public static Map<String, List<double[]>> series(List<BenchResults.RateStep> steps) {
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        for (BenchResults.RateStep s : steps) {
            add(series, "commit→Kafka p99", s.committedRate(), s.commitToKafka().p99());
            s.sinks().forEach((sink, k) -> add(series, sink + " p99", s.committedRate(), k.p99Ms()));
        }
        return series;
    }

    private static void add(Map<String, List<double[]>> series, String name, double x, double y) {
        if (!Double.isNaN(x) && !Double.isNaN(y) && !Double.isInfinite(y)) {
            series.computeIfAbsent(name, n -> new ArrayList<>()).add(new double[] {x, Math.max(1, y)});
        }
    }

    public static void write(List<BenchResults.RateStep> steps, String subtitle, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Map<String, List<double[]>> series = series(steps);
        double maxX = 1;
        double maxY = 10;
        for (List<double[]> pts : series.values()) {
            for (double[] p : pts) {
                maxX = Math.max(maxX, p[0]);
                maxY = Math.max(maxY, p[1]);
            }
        }
        maxX *= 1.1;
        double logMax = Math.ceil(Math.log10(maxY));
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString("p99 latency vs committed rate (log scale)", LEFT, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString(subtitle, LEFT, 42);
        int pw = W - LEFT - RIGHT;
        int ph = H - TOP - BOTTOM;
        g.drawRect(LEFT, TOP, pw, ph);
        for (int e = 0; e <= logMax; e++) {
            int y = TOP + ph - (int) (ph * e / logMax);
            g.setColor(new Color(0xdddddd));
            g.drawLine(LEFT + 1, y, LEFT + pw - 1, y);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%,d ms", (long) Math.pow(10, e)), 10, y + 4);
        }
        for (int i = 0; i <= 5; i++) {
            double xv = maxX * i / 5;
            int x = LEFT + (int) (pw * i / 5.0);
            g.drawString(String.format(Locale.ROOT, "%,.0f", xv), x - 15, TOP + ph + 18);
        }
        g.drawString("committed changes per second", LEFT + pw / 2 - 80, H - 15);
        int c = 0;
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            g.setColor(COLORS[c % COLORS.length]);
            g.setStroke(new BasicStroke(2f));
            int[] prev = null;
            for (double[] p : e.getValue()) {
                int x = LEFT + (int) (pw * p[0] / maxX);
                int y = TOP + ph - (int) (ph * Math.log10(p[1]) / logMax);
                g.fillOval(x - 4, y - 4, 8, 8);
                if (prev != null) {
                    g.drawLine(prev[0], prev[1], x, y);
                }
                prev = new int[] {x, y};
            }
            int ly = TOP + 20 + 20 * c;
            g.fillRect(LEFT + pw + 15, ly - 8, 14, 8);
            g.setColor(Color.BLACK);
            g.drawString(e.getKey(), LEFT + pw + 35, ly);
            c++;
        }
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }
}
