package io.cdcflow.console.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcflow.console.api.DlqResource;
import io.cdcflow.console.config.ConsoleConfig;
import io.cdcflow.console.control.SinkPauses;
import io.cdcflow.console.pipeline.PipelineScraper;
import io.cdcflow.console.pipeline.PipelineView;
import io.cdcflow.console.pipeline.Scrape;
import io.cdcflow.model.SinkPause;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;

/** {@code GET /}: the console page, from the scraper's rounds (one read now when the last is older than two intervals). */
@Path("/")
public class ConsoleResource {

    private static final Logger LOG = Logger.getLogger(ConsoleResource.class);

    private final PipelineScraper scraper;
    private final DlqResource dlq;
    private final ConsoleConfig config;
    private final SinkPauses sinkPauses;

    ConsoleResource(PipelineScraper scraper, DlqResource dlq, ConsoleConfig config, SinkPauses sinkPauses) {
        this.scraper = scraper;
        this.dlq = dlq;
        this.config = config;
        this.sinkPauses = sinkPauses;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public String page() {
        List<Scrape> rounds = scraper.history();
        // The timer keeps the rounds fresh; a page reads by itself only when it stalled (or has not run yet).
        if (rounds.isEmpty() || rounds.getLast().at().isBefore(Instant.now().minus(config.scrapeInterval().multipliedBy(2)))) {
            scraper.scrapeNow();
            rounds = scraper.history();
        }
        JsonNode letters = null;
        try {
            Response r = dlq.list(null, null, null, null, null, null);
            letters = (JsonNode) r.getEntity();
        } catch (RuntimeException e) {
            LOG.warnf("the dead-letter topic could not be read for the page: %s", e.toString());
        }
        List<SinkPause> pauses = List.of();
        try {
            pauses = sinkPauses.all();
        } catch (RuntimeException e) {
            LOG.warnf("the sink control topic could not be read for the page: %s", e.toString());
        }
        return ConsolePage.render(PipelineView.of(rounds), letters, pauses);
    }
}
