package io.cdcflow.search.write;

import io.cdcflow.model.Json;
import io.cdcflow.search.config.OpenSearchSinkConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.util.Timeout;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

import java.io.IOException;
import java.net.URI;

/**
 * Produces the one {@link OpenSearchClient} of the process, over opensearch-java's Apache HttpClient 5 transport,
 * and closes it at shutdown. Documents are serialised with the model's Jackson configuration (a copy of it, since
 * the client adjusts its mapper), so decimals keep their exact digits.
 */
@ApplicationScoped
public class OpenSearchClients {

    @Produces
    @Singleton
    OpenSearchClient client(OpenSearchSinkConfig config) {
        OpenSearchSinkConfig os = config;
        URI uri = URI.create(os.url());
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        HttpHost host = new HttpHost(uri.getScheme(), uri.getHost(), port);
        OpenSearchTransport transport = ApacheHttpClient5TransportBuilder.builder(host)
                .setMapper(new JacksonJsonpMapper(Json.mapper().copy()))
                .setRequestConfigCallback(rc -> timeouts(rc, os))
                .setHttpClientConfigCallback(hc -> {
                    os.username().ifPresent(user -> {
                        BasicCredentialsProvider credentials = new BasicCredentialsProvider();
                        credentials.setCredentials(new AuthScope(host), new UsernamePasswordCredentials(user,
                                os.password().orElse("").toCharArray()));
                        hc.setDefaultCredentialsProvider(credentials);
                    });
                    return hc;
                })
                .build();
        return new OpenSearchClient(transport);
    }

    @SuppressWarnings("deprecation") // the per-request connect timeout is what this transport lets us set
    private static org.apache.hc.client5.http.config.RequestConfig.Builder timeouts(
            org.apache.hc.client5.http.config.RequestConfig.Builder rc, OpenSearchSinkConfig os) {
        return rc.setConnectTimeout(Timeout.of(os.connectTimeout()))
                .setResponseTimeout(Timeout.of(os.responseTimeout()));
    }

    void close(@Disposes OpenSearchClient client) throws IOException {
        client._transport().close();
    }
}
