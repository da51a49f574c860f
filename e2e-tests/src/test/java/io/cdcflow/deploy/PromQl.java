package io.cdcflow.deploy;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds the metric names a PromQL expression (or a Grafana query such as label_values(...)) reads. */
final class PromQl {

    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "and", "or", "unless", "offset", "bool", "inf", "nan");
    private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private PromQl() {
    }

    static Set<String> metricNames(String expr) {
        String e = expr
                .replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")          // string literals
                .replaceAll("\\{[^}]*}", " ")                          // label matchers
                .replaceAll("\\[[^]]*]", " ")                          // range selectors
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> out = new TreeSet<>();
        Matcher m = IDENT.matcher(e);
        while (m.find()) {
            String id = m.group();
            int next = m.end();
            while (next < e.length() && Character.isWhitespace(e.charAt(next))) {
                next++;
            }
            boolean function = next < e.length() && e.charAt(next) == '(';
            boolean number = m.start() > 0 && (Character.isDigit(e.charAt(m.start() - 1)) || e.charAt(m.start() - 1) == '.');
            // A Grafana label_values(metric, label): the second argument is a label.
            boolean labelArgument = e.substring(0, m.start()).matches("(?s).*label_values\\s*\\([^,()]*,\\s*$");
            if (!function && !number && !labelArgument && !KEYWORDS.contains(id.toLowerCase())) {
                out.add(id);
            }
        }
        return out;
    }
}
