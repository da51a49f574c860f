package io.cdcflow.capture.source;

import io.cdcflow.testkit.Stack;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged capture-service ({@code target/quarkus-app}, built by {@code mvn verify} before the ITs) in a JVM of
 * its own, for tests that need a real process: a small heap, or a {@code kill -9}. It runs under a profile of its
 * own (so the packaged demo source is not started), with the test's sources as system properties, against the
 * stack's Kafka, keeping offsets in {@code stateDir}, which survives a {@link #kill()} and the next {@link #start}.
 */
public final class PackagedCapture implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;
    private final Path log;

    private PackagedCapture(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts the service with these {@code cdc.capture.*} properties (and JVM options); its output is appended to
     * {@code stateDir/service.log}.
     */
    public static PackagedCapture start(String profile, Path stateDir, Map<String, String> properties, String... jvmOptions)
            throws IOException {
        Path app = Path.of("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(app)) {
            throw new IllegalStateException(app.toAbsolutePath() + " is missing: the ITs run after mvn verify packaged the service");
        }
        int port = freePort();
        Path log = stateDir.resolve("service.log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-Dquarkus.profile=" + profile, "-Dquarkus.http.port=" + port,
                "-Dcdc.capture.kafka-bootstrap-servers=" + Stack.up().kafkaBootstrap(),
                "-Dcdc.capture.state-dir=" + stateDir));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", app.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new PackagedCapture(process, port, log);
    }

    /** Waits until {@code /q/health/ready} answers 200 (every source capturing), or fails naming the log. */
    public PackagedCapture awaitReady(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new AssertionError("capture-service exited with status " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("capture-service was not ready within " + timeout + "; see " + log);
    }

    /** Waits until readiness answers 503 with a body containing {@code text} (a source's error); that body. */
    public String awaitNotReady(String text, Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            HttpResponse<String> r = get("/q/health/ready");
            if (r.statusCode() == 503 && r.body().contains(text)) {
                return r.body();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("capture's readiness did not report \"" + text + "\" within " + timeout + ": "
                + get("/q/health/ready").body() + "; see " + log);
    }

    /**
     * Waits until readiness reports every source {@code RUNNING} (capturing), as opposed to {@code STANDBY}, which
     * is ready too; fails naming the log.
     */
    public PackagedCapture awaitCapturing(Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            HttpResponse<String> r = get("/q/health/ready");
            if (r.statusCode() == 200 && r.body().contains("\"RUNNING\"") && !r.body().contains("\"STANDBY\"")) {
                return this;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("capture-service was not capturing within " + timeout + ": "
                + get("/q/health/ready").body() + "; see " + log);
    }

    /** The first line of the service's log that contains {@code text}, if it logged one yet. */
    public java.util.Optional<String> logLine(String text) throws IOException {
        // Latin-1 reads any byte: a log line with other characters must not break the search.
        try (var lines = Files.lines(log, java.nio.charset.StandardCharsets.ISO_8859_1)) {
            return lines.filter(l -> l.contains(text)).findFirst();
        }
    }

    /** Waits until the service's log has a line containing {@code text}; that line. */
    public String awaitLogLine(String text, Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            java.util.Optional<String> line = logLine(text);
            if (line.isPresent()) {
                return line.get();
            }
            if (!process.isAlive()) {
                throw new AssertionError("capture-service exited with status " + process.exitValue() + "; see " + log);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("capture-service did not log \"" + text + "\" within " + timeout + "; see " + log);
    }

    /** {@code GET path}: the status and the body. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code POST path} with a JSON body: the status and the body. */
    public HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** SIGKILL, as a crash: no shutdown hook, no final offset flush, no clean close of the source connection. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** The peak resident set of the process (VmHWM), in kB; 0 where /proc is not available. */
    public long rssHighWaterKb() throws IOException {
        File status = new File("/proc/" + process.pid() + "/status");
        if (!status.exists()) {
            return 0;
        }
        for (String line : Files.readAllLines(status.toPath())) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    /** Stops the service gracefully (SIGTERM), forcibly when it does not exit within 30 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
