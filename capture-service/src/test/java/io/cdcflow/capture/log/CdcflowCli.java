package io.cdcflow.capture.log;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs {@code bin/cdcflow} against a test's capture-service, as a user would. */
final class CdcflowCli {

    private CdcflowCli() {
    }

    /** Runs {@code bin/cdcflow args...} against the capture-service at {@code root}; returns "exit code:output". */
    static String run(URL root, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", "../bin/cdcflow"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("CDCFLOW_HOST", root.getHost());
        pb.environment().put("CDCFLOW_SERVICES", "capture-service:" + root.getPort());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() + ":" + out;
    }
}
