package io.cdcflow.e2e;

import io.cdcflow.testkit.Services;
import io.cdcflow.testkit.Stack;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bin/cdcflow}, run against the packaged services as an operator would, with the operators' credential. */
final class Cdcflow {

    private Cdcflow() {
    }

    /** Runs {@code bin/cdcflow args...}; returns "exit code:output" (standard output and error). */
    static String run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", Stack.home().resolve("bin/cdcflow").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("CDCFLOW_CREDENTIAL", "ops:" + Services.registryPassword());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() + ":" + out;
    }
}
