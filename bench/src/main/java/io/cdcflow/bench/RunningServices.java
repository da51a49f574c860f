package io.cdcflow.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The services and stack servers the latency part measures: starts and stops them through bin/services, and finds
 * their pids (for RSS and CPU) through the stack's pid files.
 */
final class RunningServices {

    static final List<String> SERVICES = List.of("capture-service", "schema-registry", "router-service", "warehouse-sink",
            "cache-sink", "search-sink");
    static final List<String> STACK_SERVERS = List.of("pg-source", "kafka", "pg-store", "redis", "opensearch");

    private final BenchEnv env;
    private final HttpClient http;
    private final List<String> notes;

    RunningServices(BenchEnv env, HttpClient http, List<String> notes) {
        this.env = env;
        this.http = http;
        this.notes = notes;
    }

    /**
     * The process trees whose CPU a step accounts for: every service, every server of the stack (with its children:
     * PostgreSQL's backends) and the bench itself (the workload generator and the latency probe).
     */
    Map<String, Long> processTrees() {
        Map<String, Long> roots = new LinkedHashMap<>();
        for (String svc : SERVICES) {
            roots.put(svc, servicePid(svc));
        }
        for (String server : STACK_SERVERS) {
            roots.put(server, servicePid(server));
        }
        roots.put("bench (generator, probe)", ProcessHandle.current().pid());
        roots.values().removeIf(pid -> pid <= 0);
        return roots;
    }

    long servicePid(String service) {
        Path file = env.stackHome().resolve("run/" + service + ".pid");
        try {
            return Files.exists(file) ? Long.parseLong(Files.readString(file).trim()) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** Starts the services unless all answer already; true when this run started them. */
    boolean servicesUp() throws Exception {
        boolean allUp = true;
        for (String svc : SERVICES) {
            allUp &= ready(svc);
        }
        if (allUp) {
            notes.add("The services were already running: the latency part measured them as they were configured.");
            return false;
        }
        runScript("bin/services", "up");
        return true;
    }

    /** Whether the service of bin/services answers ready on its port. */
    boolean ready(String service) throws InterruptedException {
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + env.servicePort(service)
                    + "/q/health/ready")).timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    void runScript(String script, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(env.repo().resolve(script).toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(env.repo().toFile()).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed with status " + p.exitValue());
        }
    }
}
