package io.cdcflow.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What environment variables a service module reads, found by text search in its sources: a {@code ${CDC_...}}
 * expression in application.properties, or a {@code @ConfigMapping} property under the variable's name as Quarkus
 * maps it ({@code CDC_ROUTER_REGISTRY_PASSWORD} -> {@code cdc.router.registry.password}).
 */
record ServiceSettings(String module, String properties, List<String> prefixes, Set<String> propertyWords) {

    private static final Pattern PREFIX = Pattern.compile("@ConfigMapping\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern METHOD = Pattern.compile("\\b([a-z][A-Za-z0-9]*)\\s*\\(\\s*\\)\\s*;");
    private static final Pattern WITH_NAME = Pattern.compile("@WithName\\(\\s*\"([^\"]+)\"");
    private static final Pattern REQUIRED = Pattern.compile("\\$\\{(CDC_[A-Z0-9_]+)}");

    static ServiceSettings of(String module) {
        Path dir = Repository.root().resolve(module);
        String props = Repository.configText(module);
        List<String> prefixes = new java.util.ArrayList<>();
        Set<String> words = new HashSet<>();
        try (Stream<Path> files = Files.walk(dir.resolve("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String src = Repository.read(f);
                Matcher pm = PREFIX.matcher(src);
                if (!pm.find()) {
                    continue;
                }
                prefixes.add(env(pm.group(1)));
                Matcher mm = METHOD.matcher(src);
                while (mm.find()) {
                    words.add(env(mm.group(1)));
                }
                Matcher wm = WITH_NAME.matcher(src);
                while (wm.find()) {
                    words.add(env(wm.group(1)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ServiceSettings(module, props, prefixes, words);
    }

    /** True if the service reads the variable. */
    boolean reads(String variable) {
        if (properties.contains("${" + variable + "}") || properties.contains("${" + variable + ":")) {
            return true;
        }
        return prefixes.stream().anyMatch(p -> variable.startsWith(p + "_")
                && spelledBy(variable.substring(p.length() + 1)));
    }

    /** Variables application.properties reads with no default: the service cannot start without them. */
    Set<String> requiredVariables() {
        Set<String> out = new HashSet<>();
        Matcher m = REQUIRED.matcher(properties);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** True if the rest of a variable is a sequence of config property names (REGISTRY_PASSWORD). */
    private boolean spelledBy(String rest) {
        if (rest.isEmpty()) {
            return true;
        }
        for (String w : propertyWords) {
            if (rest.equals(w) || rest.startsWith(w + "_") && spelledBy(rest.substring(w.length() + 1))) {
                return true;
            }
        }
        return false;
    }

    /** A property or method name as an environment variable: cdc.router -> CDC_ROUTER, stateDir -> STATE_DIR. */
    static String env(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }
}
