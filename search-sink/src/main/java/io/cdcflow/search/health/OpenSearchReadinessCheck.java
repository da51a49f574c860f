package io.cdcflow.search.health;

import io.cdcflow.search.config.OpenSearchSinkConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;

import java.io.IOException;

/** Ready while OpenSearch answers its cluster health; DOWN while it cannot be reached or answers an error. */
@Readiness
@ApplicationScoped
public class OpenSearchReadinessCheck implements HealthCheck {

    private final OpenSearchClient client;
    private final String url;

    OpenSearchReadinessCheck(OpenSearchClient client, OpenSearchSinkConfig config) {
        this.client = client;
        this.url = config.url();
    }

    @Override
    public HealthCheckResponse call() {
        var builder = HealthCheckResponse.named("opensearch").withData("url", url);
        try (Response r = client.generic().execute(Requests.builder().method("GET")
                .endpoint("/_cluster/health").build())) {
            if (r.getStatus() / 100 == 2) {
                String body = r.getBody().map(Body::bodyAsString).orElse("");
                return builder.up().withData("health", body.length() > 200 ? body.substring(0, 200) : body).build();
            }
            return builder.down().withData("status", r.getStatus()).build();
        } catch (IOException | RuntimeException e) {
            return builder.down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
