package io.cdcflow.console.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcflow.console.pipeline.PipelineView;
import io.cdcflow.console.pipeline.Scrape;
import io.cdcflow.model.SinkPause;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Renders the console's one page, on the server: the sources and services, per table its rates, each sink's lag
 * p99 with a chart of the last 15 minutes (inline SVG), schema version and pause, the consumer groups' lag, and the
 * dead letters with show, redrive and skip. The only script posts the actions with the operator's credential
 * (kept in the browser's session storage) and reloads; nothing is loaded from elsewhere, and no GET changes anything.
 */
final class ConsolePage {

    private ConsolePage() {
    }

    static String render(PipelineView view, JsonNode deadLetters, List<SinkPause> sinkPauses) {
        StringBuilder h = new StringBuilder(16_384);
        h.append("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>cdcflow console</title>
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <style>
                body{font:14px system-ui,sans-serif;margin:1.5em;color:#1b1f24}
                h1{font-size:20px;margin:0 0 .2em} h2{font-size:16px;margin:1.6em 0 .5em}
                table{border-collapse:collapse} th,td{padding:.25em .7em;border-bottom:1px solid #ddd;text-align:left}
                td.n{text-align:right;font-variant-numeric:tabular-nums} .muted{color:#777}
                .up{color:#137333;font-weight:600} .down{color:#c5221f;font-weight:600}
                svg{vertical-align:middle} button{font:inherit;padding:.1em .6em}
                #cred{margin:.5em 0 1em;padding:.6em;background:#f4f6f8;display:inline-block}
                </style></head><body>
                <h1>cdcflow console</h1>
                """);
        h.append("<div class=\"muted\">read at ").append(esc(view.latest().at().toString()))
                .append(view.window().isZero() ? "" : "; rates over the last " + view.window().toSeconds() + " s")
                .append(" &middot; refreshes every 15 s</div>\n");
        h.append("""
                <form id="cred" onsubmit="return saveCredential()">operator credential (for redrive and skip):
                <input id="user" placeholder="user" size="8" autocomplete="username">
                <input id="password" type="password" placeholder="password" size="12" autocomplete="current-password">
                <button type="submit">use</button> <span id="credstate" class="muted"></span></form>
                """);
        sources(h, view.latest());
        tables(h, view, sinkPauses);
        sinkPauses(h, sinkPauses);
        consumerLag(h, view.latest());
        deadLetters(h, deadLetters);
        h.append("""
                <script>
                function credential(){return sessionStorage.getItem('cdcflow.credential');}
                function saveCredential(){
                  sessionStorage.setItem('cdcflow.credential', btoa(document.getElementById('user').value+':'+document.getElementById('password').value));
                  showCredential(); return false;}
                function showCredential(){document.getElementById('credstate').textContent=credential()?'set for this tab':'not set: the console is read-only';}
                async function act(path, body){
                  if(!credential()){alert('Enter the operator credential first.');return;}
                  const r=await fetch(path,{method:'POST',headers:{'Content-Type':'application/json','Authorization':'Basic '+credential()},body:JSON.stringify(body)});
                  const text=await r.text();
                  document.getElementById('result').textContent=(r.ok?'':'refused (HTTP '+r.status+'): ')+text;
                  if(r.ok){setTimeout(()=>location.reload(),1500);}
                }
                function redrive(id){act('/dlq/redrive',{ids:[id]});}
                function tableAction(topic, what){act('/tables/'+encodeURIComponent(topic)+'/'+what,{});}
                function sinkAction(sink, topic, what){act('/sinks/'+encodeURIComponent(sink)+'/tables/'+encodeURIComponent(topic)+'/'+what,{});}
                function snapshot(topic){const i=topic.indexOf('.');act('/sources/'+encodeURIComponent(topic.substring(0,i))+'/snapshots',{tables:[topic.substring(i+1)]});}
                function skip(id){const why=prompt('Why is '+id+' dropped?');if(why){act('/dlq/skip',{ids:[id],why:why});}}
                showCredential();
                setInterval(()=>{if(!document.activeElement||document.activeElement.tagName!=='INPUT'){location.reload();}},15000);
                </script></body></html>
                """);
        return h.toString();
    }

    private static void sources(StringBuilder h, Scrape s) {
        h.append("<h2>Services and sources</h2>\n<table id=\"services\"><tr><th>service</th><th>readiness</th><th>details</th></tr>\n");
        for (Map.Entry<String, Scrape.ServiceHealth> e : s.health().entrySet()) {
            Scrape.ServiceHealth sh = e.getValue();
            StringBuilder details = new StringBuilder();
            sh.data().forEach((k, v) -> {
                details.append(details.isEmpty() ? "" : "; ").append(esc(k)).append(": ").append(esc(shorten(v, 80)));
                Double lag = s.slotLagBytes().get(k);
                if (lag != null) {
                    details.append(" (slot lag ").append(bytes(lag)).append(')');
                }
            });
            h.append("<tr><td>").append(esc(e.getKey())).append("</td><td class=\"")
                    .append(sh.state().equals("UP") ? "up" : "down").append("\">").append(esc(sh.state()))
                    .append("</td><td>").append(details).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void tables(StringBuilder h, PipelineView view, List<SinkPause> sinkPauses) {
        Set<String> pausedInSink = new HashSet<>();
        sinkPauses.forEach(p -> pausedInSink.add(p.sink() + "|" + p.topic().replaceFirst("^validated\\.", "")));
        TreeSet<String> sinks = new TreeSet<>();
        view.tables().forEach(t -> {
            sinks.addAll(t.appliedPerSecond().keySet());
            sinks.addAll(t.p99Ms().keySet());
        });
        h.append("<h2>Tables</h2>\n<table id=\"tables\"><tr><th>table</th><th>captured/s</th><th>routed/s</th>");
        for (String sink : sinks) {
            h.append("<th>").append(esc(sink)).append(" applied/s</th><th>").append(esc(sink))
                    .append(" lag p99 (15 min)</th>");
        }
        h.append("<th>schema</th><th>routing</th><th></th></tr>\n");
        if (view.tables().isEmpty()) {
            h.append("<tr><td colspan=\"").append(6 + 2 * sinks.size()).append("\" class=\"muted\">no table has seen a change yet</td></tr>\n");
        }
        for (PipelineView.TableLine t : view.tables()) {
            h.append("<tr data-table=\"").append(esc(t.table())).append("\"><td>").append(esc(t.table()))
                    .append("</td><td class=\"n\">").append(rate(t.capturedPerSecond())).append("</td><td class=\"n\">")
                    .append(rate(t.routedPerSecond())).append("</td>");
            for (String sink : sinks) {
                h.append("<td class=\"n\">").append(rate(t.appliedPerSecond().getOrDefault(sink, Double.NaN)))
                        .append("</td><td class=\"n\">").append(ms(t.p99Ms().getOrDefault(sink, Double.NaN))).append(' ')
                        .append(spark(t.p99History().getOrDefault(sink, List.of())))
                        .append(pausedInSink.contains(sink + "|" + t.table()) ? " <span class=\"down\">paused</span>" : "")
                        .append("</td>");
            }
            Scrape.TableState st = t.state();
            h.append("<td>").append(st == null ? "-" : "v" + esc(st.version()) + " (id " + esc(st.schemaId()) + ")")
                    .append("</td><td>").append(st == null ? "-" : st.paused()
                            ? "<span class=\"down\">paused</span> " + esc(st.reason()) : "routing, " + esc(st.policy()))
                    .append("</td><td>").append(st != null && st.paused()
                            ? "<button class=\"resume\" onclick=\"tableAction('" + esc(t.table()) + "','resume')\">resume</button>"
                            : "<button class=\"pause\" onclick=\"tableAction('" + esc(t.table()) + "','pause')\">pause</button>")
                    .append(" <button class=\"snapshot\" onclick=\"snapshot('").append(esc(t.table()))
                    .append("')\">snapshot</button>");
            for (String sink : sinks) {
                String what = pausedInSink.contains(sink + "|" + t.table()) ? "resume" : "pause";
                h.append(" <button class=\"").append(what).append("-sink\" data-sink=\"").append(esc(sink))
                        .append("\" onclick=\"sinkAction('").append(esc(sink)).append("','").append(esc(t.table()))
                        .append("','").append(what).append("')\">").append(what).append(" in ").append(esc(sink))
                        .append("</button>");
            }
            h.append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    /** The tables a sink does not apply now, each with its resume. */
    private static void sinkPauses(StringBuilder h, List<SinkPause> pauses) {
        h.append("<h2>Sink pauses</h2>\n<table id=\"sink-pauses\"><tr><th>sink</th><th>topic</th><th>since</th><th>by</th>"
                + "<th>reason</th><th></th></tr>\n");
        if (pauses.isEmpty()) {
            h.append("<tr><td colspan=\"6\" class=\"muted\">every sink applies every table</td></tr>\n");
        }
        for (SinkPause p : pauses) {
            h.append("<tr><td>").append(esc(p.sink())).append("</td><td>").append(esc(p.topic())).append("</td><td>")
                    .append(esc(p.since().toString())).append("</td><td>").append(esc(p.by())).append("</td><td>")
                    .append(esc(p.reason())).append("</td><td><button class=\"resume-sink\" onclick=\"sinkAction('")
                    .append(esc(p.sink())).append("','").append(esc(p.topic())).append("','resume')\">resume</button>")
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void consumerLag(StringBuilder h, Scrape s) {
        h.append("<h2>Consumer lag</h2>\n<table id=\"consumers\"><tr><th>consumer group</th><th>records behind</th></tr>\n");
        s.consumerLag().forEach((g, lag) -> h.append("<tr><td>").append(esc(g)).append("</td><td class=\"n\">")
                .append(String.format(Locale.ROOT, "%,d", lag)).append("</td></tr>\n"));
        h.append("</table>\n");
    }

    private static void deadLetters(StringBuilder h, JsonNode dlq) {
        h.append("<h2>Dead letters</h2>\n<div id=\"result\" class=\"muted\"></div>\n");
        if (dlq == null) {
            h.append("<p class=\"down\">the dead-letter topic could not be read</p>\n");
            return;
        }
        h.append("<p>").append(dlq.path("total").asLong()).append(" in ").append(esc(dlq.path("topic").asText()))
                .append(", ").append(dlq.path("handled").asLong()).append(" handled</p>\n");
        h.append("<table id=\"dlq-counts\"><tr><th>reason</th><th>table</th><th>count</th></tr>\n");
        for (JsonNode c : dlq.path("counts")) {
            h.append("<tr><td>").append(esc(c.path("reason").asText())).append("</td><td>").append(esc(c.path("table").asText()))
                    .append("</td><td class=\"n\">").append(c.path("count").asLong()).append("</td></tr>\n");
        }
        h.append("</table>\n<table id=\"dlq\"><tr><th>id</th><th>at</th><th>reason</th><th>service</th><th>from</th>"
                + "<th>redrives</th><th>decision</th><th>message</th><th></th></tr>\n");
        int shown = 0;
        for (JsonNode l : dlq.path("letters")) {
            if (shown++ == 50) {
                break;
            }
            String id = l.path("id").asText();
            JsonNode d = l.path("decision");
            h.append("<tr data-id=\"").append(esc(id)).append("\"><td><a href=\"/dlq/").append(esc(id)).append("\">")
                    .append(esc(id)).append("</a></td><td>").append(esc(l.path("at").asText())).append("</td><td>")
                    .append(esc(l.path("reason").asText())).append("</td><td>").append(esc(l.path("service").asText()))
                    .append("</td><td>").append(esc(l.path("topic").asText() + "/" + l.path("partition").asInt() + "/"
                            + l.path("offset").asLong())).append("</td><td class=\"n\">").append(l.path("redrive_count").asInt())
                    .append("</td><td>").append(d.isNull() || d.isMissingNode() ? "-"
                            : esc(d.path("action").asText() + " by " + d.path("by").asText()))
                    .append("</td><td title=\"").append(esc(l.path("message").asText())).append("\">")
                    .append(esc(shorten(l.path("message").asText(), 140))).append("</td><td>")
                    .append("<button class=\"redrive\" onclick=\"redrive('").append(esc(id)).append("')\">redrive</button> ")
                    .append("<button class=\"skip\" onclick=\"skip('").append(esc(id)).append("')\">skip</button></td></tr>\n");
        }
        h.append("</table>\n");
    }

    /** A small line chart of the values (NaN: no change in that round), scaled to the largest. */
    static String spark(List<Double> values) {
        double max = values.stream().filter(Double::isFinite).mapToDouble(Double::doubleValue).max().orElse(0);
        if (values.size() < 2 || max <= 0) {
            return "";
        }
        StringBuilder points = new StringBuilder();
        double step = 118.0 / (values.size() - 1);
        for (int i = 0; i < values.size(); i++) {
            double v = values.get(i);
            if (Double.isFinite(v)) {
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", 1 + i * step, 23 - 22 * v / max));
            }
        }
        return "<svg width=\"120\" height=\"24\" role=\"img\" aria-label=\"p99 over the last 15 minutes, max "
                + ms(max) + "\"><polyline fill=\"none\" stroke=\"#1a73e8\" stroke-width=\"1.5\" points=\""
                + points.toString().strip() + "\"/></svg>";
    }

    /** At most {@code max} characters, an ellipsis standing for the rest (the full text is one click away). */
    static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "\u2026";
    }

    private static String rate(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%,.1f", v);
    }

    private static String ms(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (Double.isInfinite(v)) {
            return "&gt; max";
        }
        return v < 1000 ? String.format(Locale.ROOT, "%.0f ms", v) : String.format(Locale.ROOT, "%.2f s", v / 1000);
    }

    private static String bytes(double b) {
        return b < 1 << 20 ? String.format(Locale.ROOT, "%.0f KiB", b / 1024) : String.format(Locale.ROOT, "%.1f MiB", b / (1 << 20));
    }

    /** Escapes text for HTML content and attribute values (quotes included). */
    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
