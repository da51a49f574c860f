package io.cdcflow.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/** The checkout the deployment tests read: its root, its Quarkus service modules and their settings. */
final class Repository {

    private Repository() {
    }

    /** The repository root: the first directory above the working directory that holds k8s/ and pom.xml. */
    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("k8s")) && Files.isRegularFile(d.resolve("pom.xml"))) {
                return d;
            }
        }
        throw new IllegalStateException("no repository root (k8s/ and pom.xml) above " + dir);
    }

    /** Every Quarkus service module: a top-level directory with src/main/docker/Dockerfile.jvm, sorted by name. */
    static List<String> serviceModules() {
        try (Stream<Path> dirs = Files.list(root())) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("src/main/docker/Dockerfile.jvm")))
                    .map(d -> d.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The text of every configuration file the service reads: its application.properties, then the
     * META-INF/microprofile-config.properties of the project modules it depends on (cdc-sink's channels and registry).
     */
    static String configText(String module) {
        StringBuilder text = new StringBuilder(read(root().resolve(module).resolve("src/main/resources/application.properties")));
        String pom = read(root().resolve(module).resolve("pom.xml"));
        for (String shared : List.of("cdc-sink")) {
            Path file = root().resolve(shared).resolve("src/main/resources/META-INF/microprofile-config.properties");
            if (pom.contains("<artifactId>" + shared + "</artifactId>") && Files.isRegularFile(file)) {
                text.append('\n').append(read(file));
            }
        }
        return text.toString();
    }

    /** The module's src/main/resources/application.properties (profile-prefixed keys included as written). */
    static Properties applicationProperties(String module) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(root().resolve(module).resolve("src/main/resources/application.properties"))) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** The module's quarkus.http.port. */
    static int httpPort(String module) {
        String port = applicationProperties(module).getProperty("quarkus.http.port");
        if (port == null) {
            throw new IllegalStateException(module + " sets no quarkus.http.port");
        }
        return Integer.parseInt(port.trim());
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
