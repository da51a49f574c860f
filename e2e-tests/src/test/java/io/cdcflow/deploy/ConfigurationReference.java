package io.cdcflow.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds the configuration reference ({@code docs/configuration.md}) from the services' {@code @ConfigMapping}
 * interfaces: every property with its default and the one-line Javadoc the conventions ask for. Read from the
 * sources as text, so the reference cannot drift from the code without {@link ConfigurationReferenceTest} noticing.
 */
final class ConfigurationReference {

    private static final Pattern MAPPING = Pattern.compile("@ConfigMapping\\(prefix\\s*=\\s*\"([^\"]+)\"\\)\\s*public\\s+interface\\s+(\\w+)");
    private static final Pattern INTERFACE = Pattern.compile("\\binterface\\s+(\\w+)[^{]*\\{");
    private static final Pattern METHOD = Pattern.compile("^\\s*(?:default\\s+)?([\\w.<>, ?]+?)\\s+(\\w+)\\(\\)\\s*;");
    private static final Pattern WITH_DEFAULT = Pattern.compile("@WithDefault\\(\"((?:[^\"\\\\]|\\\\.)*)\"\\)");
    private static final Pattern WITH_NAME = Pattern.compile("@WithName\\(\"([^\"]+)\"\\)");

    /** One property: its name (map keys as {@code <name>}), default, and description. */
    record Property(String name, String defaultValue, String description) {
    }

    private ConfigurationReference() {
    }

    /** The reference as Markdown, one section per service that has a {@code @ConfigMapping}. */
    static String markdown(Path repo) {
        StringBuilder out = new StringBuilder("""
                # Configuration reference

                Generated from each service's `@ConfigMapping` interfaces by `ConfigurationReferenceTest` (e2e-tests);
                regenerate with `./mvnw -pl e2e-tests test -Dtest=ConfigurationReferenceTest -Dcdc.config-doc.write=true`.
                Every property can also be set as an environment variable (upper case, `.` and `-` as `_`, e.g.
                `cdc.router.registry.url` as `CDC_ROUTER_REGISTRY_URL`). Quarkus' own settings (datasource, Kafka
                channels, Redis) are in each module's `src/main/resources/application.properties`.
                """);
        for (Map.Entry<String, List<Property>> service : properties(repo).entrySet()) {
            out.append("\n## ").append(service.getKey()).append("\n\n| property | default | meaning |\n| --- | --- | --- |\n");
            for (Property p : service.getValue()) {
                out.append("| `").append(p.name()).append("` | ")
                        .append(p.defaultValue() == null ? "" : "`" + p.defaultValue().replace("|", "\\|") + "`")
                        .append(" | ").append(p.description().replace("|", "\\|")).append(" |\n");
            }
        }
        return out.toString();
    }

    /** The properties of every service, by module name, in module order. */
    static Map<String, List<Property>> properties(Path repo) {
        Map<String, List<Property>> all = new LinkedHashMap<>();
        try (Stream<Path> modules = Files.list(repo).sorted()) {
            for (Path module : modules.filter(m -> Files.isDirectory(m.resolve("src/main/java"))).toList()) {
                List<Property> props = new ArrayList<>();
                for (Path file : javaFiles(module)) {
                    String src = Files.readString(file);
                    Matcher m = MAPPING.matcher(src);
                    if (m.find()) {
                        collect(module, src, m.group(2), m.group(1), props);
                    }
                }
                if (!props.isEmpty()) {
                    all.put(module.getFileName().toString(), props);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    private static List<Path> javaFiles(Path module) throws IOException {
        try (Stream<Path> files = Files.walk(module.resolve("src/main/java"))) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
    }

    /** Adds the properties of interface {@code name} (declared in {@code src} or in its own file of the module). */
    private static void collect(Path module, String src, String name, String prefix, List<Property> out) throws IOException {
        String body = body(src, name);
        if (body == null) {
            src = source(module, name);
            body = body(src, name);
        }
        String javadoc = "";
        String defaultValue = null;
        String rename = null;
        int depth = 0;
        for (String line : body.split("\n")) {
            int before = depth;
            depth += count(line, '{') - count(line, '}');
            if (before > 0) {
                continue; // inside a nested interface: it is read when a method returns it
            }
            String t = line.strip();
            if (t.startsWith("/**")) {
                javadoc = t.replace("/**", "").replace("*/", "").strip();
            } else if (t.startsWith("*") && !t.startsWith("*/")) {
                javadoc += " " + t.substring(1).strip();
            }
            Matcher d = WITH_DEFAULT.matcher(t);
            if (d.find()) {
                defaultValue = d.group(1).replace("\\\\", "\\");
            }
            Matcher n = WITH_NAME.matcher(t);
            if (n.find()) {
                rename = n.group(1);
            }
            Matcher m = METHOD.matcher(line);
            if (m.find() && !t.startsWith("*") && !t.startsWith("//")) {
                String type = m.group(1).strip();
                String property = prefix + "." + (rename != null ? rename : kebab(m.group(2)));
                String description = javadoc.replaceAll("\\{@code ([^}]*)}", "`$1`").replaceAll("\\{@link ([^}]*)}", "$1").strip();
                String mapValue = type.startsWith("Map<String,") ? type.substring("Map<String,".length(), type.length() - 1).strip() : null;
                if (isInterface(module, src, type)) {
                    collect(module, src, type, property, out);
                } else if (mapValue != null && isInterface(module, src, mapValue)) {
                    collect(module, src, mapValue, property + ".<name>", out);
                } else {
                    out.add(new Property(mapValue != null ? property + ".<key>" : property, defaultValue, description));
                }
                javadoc = "";
                defaultValue = null;
                rename = null;
            }
        }
    }

    private static boolean isInterface(Path module, String src, String type) throws IOException {
        return type.matches("\\w+") && (body(src, type) != null || source(module, type) != null);
    }

    private static String source(Path module, String type) throws IOException {
        for (Path f : javaFiles(module)) {
            if (f.getFileName().toString().equals(type + ".java")) {
                String s = Files.readString(f);
                return body(s, type) != null ? s : null;
            }
        }
        return null;
    }

    /** The text between the braces of {@code interface name}, or null. */
    private static String body(String src, String name) {
        if (src == null) {
            return null;
        }
        Matcher m = INTERFACE.matcher(src);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                int depth = 1;
                int i = m.end();
                while (i < src.length() && depth > 0) {
                    char c = src.charAt(i++);
                    depth += c == '{' ? 1 : c == '}' ? -1 : 0;
                }
                return src.substring(m.end(), i - 1);
            }
        }
        return null;
    }

    private static int count(String s, char c) {
        return (int) s.chars().filter(x -> x == c).count();
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
