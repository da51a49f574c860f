package io.cdcflow.console.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.console.pipeline.PipelineView;
import io.cdcflow.console.pipeline.Scrape;
import io.cdcflow.model.Json;
import io.cdcflow.model.SinkPause;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class ConsolePageTest {

    private static Scrape round(Instant at, double captured, double applied, double lagCount, double lagUnder100ms) {
        TreeMap<Double, Double> buckets = new TreeMap<>(Map.of(0.1, lagUnder100ms, 0.5, lagCount,
                Double.POSITIVE_INFINITY, lagCount));
        return new Scrape(at, Map.of("src.public.items", captured), Map.of("src.public.items", captured),
                Map.of("warehouse-sink", Map.of("src.public.items", applied)),
                Map.of("warehouse-sink", Map.of("src.public.items", buckets)), Map.of("src", 2048.0),
                Map.of("capture-service", new Scrape.ServiceHealth("UP", Map.of("src", "RUNNING")),
                        "router-service", new Scrape.ServiceHealth("NOT RUNNING", Map.of())),
                Map.of("src.public.items", new Scrape.TableState("3", "12", "new-version", false, "")),
                Map.of("warehouse-sink", 42L));
    }

    @Test
    void showsRatesLagAndStatesAndEscapesWhatItShows() {
        Instant t0 = Instant.parse("2026-12-05T10:00:00Z");
        // Then 150 changes in 15 s: 10/s; of the 150 applied, 100 within 100 ms and all within 500 ms: p99 is 500 ms.
        PipelineView view = PipelineView.of(List.of(round(t0.minusSeconds(15), 0, 0, 0, 0), round(t0, 100, 100, 100, 100),
                round(t0.plusSeconds(15), 250, 250, 250, 200)));
        ObjectNode dlq = Json.mapper().createObjectNode().put("topic", "cdc.dlq").put("total", 1).put("handled", 0);
        dlq.putArray("counts").addObject().put("reason", "bad_value").put("table", "public.items").put("count", 1);
        dlq.putArray("letters").addObject().put("id", "0-7").put("at", "2026-12-05T10:00:01Z").put("reason", "bad_value")
                .put("service", "warehouse-sink").put("topic", "validated.src.public.items").put("partition", 0)
                .put("offset", 3).put("redrive_count", 0).put("message", "<script>alert(1)</script>").putNull("decision");

        String html = ConsolePage.render(view, dlq, List.of(new SinkPause("warehouse-sink", "validated.src.public.items",
                "<b>load</b>", "ops", t0)));

        assertThat(html).contains("<tr data-table=\"src.public.items\"><td>src.public.items</td><td class=\"n\">10.0</td>")
                .contains("500 ms").contains("<svg").contains("v3 (id 12)").contains("routing, new-version")
                .contains("src: RUNNING (slot lag 2 KiB)").contains("NOT RUNNING")
                .contains("warehouse-sink</td><td class=\"n\">42")
                .contains("data-id=\"0-7\"").contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .doesNotContain("<script>alert(1)");
        // A sink's pause: marked in its column, listed with its resume, the other sinks offered a pause.
        assertThat(html).contains("<span class=\"down\">paused</span></td>")
                .contains("sinkAction('warehouse-sink','validated.src.public.items','resume')")
                .contains("sinkAction('warehouse-sink','src.public.items','resume')")
                .contains("&lt;b&gt;load&lt;/b&gt;");
        // No action through GET: the actions are POSTs from the script.
        assertThat(html).doesNotContain("href=\"/dlq/redrive").contains("method:'POST'");
    }
}
