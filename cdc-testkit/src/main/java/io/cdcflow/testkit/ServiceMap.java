package io.cdcflow.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The services of {@code bin/lib/services.tsv}: each one's offset from {@code CDC_SERVICES_PORT_BASE}, in start
 * order. The one table of names and ports that {@code bin/services}, {@code bin/cdcflow}, the tests and the bench
 * read.
 *
 * @param offsets offset of each service's HTTP port, in the file's order
 */
public record ServiceMap(Map<String, Integer> offsets) {

    /** The file's path under a checkout. */
    public static Path file(Path repository) {
        return repository.resolve("bin/lib/services.tsv");
    }

    /** Reads the map of a checkout. */
    public static ServiceMap read(Path repository) {
        Map<String, Integer> offsets = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file(repository))) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.split("\\t");
                if (fields.length < 2) {
                    throw new IllegalStateException(file(repository) + ": not 'name<TAB>offset[<TAB>kind]': " + line);
                }
                offsets.put(fields[0].strip(), Integer.parseInt(fields[1].strip()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the service map " + file(repository), e);
        }
        return new ServiceMap(java.util.Collections.unmodifiableMap(offsets));
    }

    /** A service's port offset; fails naming the known services. */
    public int offset(String name) {
        Integer offset = offsets.get(name);
        if (offset == null) {
            throw new IllegalArgumentException("unknown service " + name + " (known: " + offsets.keySet() + ")");
        }
        return offset;
    }
}
