package io.cdcflow.search.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcflow.model.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Watches, from a thread of its own, what a table's names resolve to while its index moves: at every poll each name
 * must resolve to exactly one index ({@code GET /<name>/_alias}, which answers for an index of that name and for an
 * alias alike) and a count through it must find at least the documents expected. Anything else is a problem, except
 * a count that failed because the shards of the index it had resolved to were closed under it: those are kept apart
 * ({@link #searchesCutShort()}). A move of an index of the first layout must delete it to free the table's name, and
 * while the node closes its shards it still resolves the name to it, for a moment.
 */
public final class IndexNamesWatch implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String url;
    private final Map<String, Long> minimumCounts;
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private final List<String> cutShort = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> cutShortAt = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger polls = new AtomicInteger();
    private final Thread thread;
    private volatile boolean stop;

    private IndexNamesWatch(String url, Map<String, Long> minimumCounts) {
        this.url = url;
        this.minimumCounts = Map.copyOf(minimumCounts);
        this.thread = Thread.ofPlatform().daemon().name("index-names-watch").start(this::run);
    }

    /** Starts watching each name, which must always count at least its number of documents. */
    public static IndexNamesWatch start(String openSearchUrl, Map<String, Long> minimumCounts) {
        return new IndexNamesWatch(openSearchUrl, minimumCounts);
    }

    private void run() {
        while (!stop) {
            minimumCounts.forEach((name, minimum) -> {
                JsonNode behind = get("/" + name + "/_alias");
                List<String> indices = new ArrayList<>();
                if (!behind.has("error")) {
                    behind.fieldNames().forEachRemaining(indices::add);
                }
                if (indices.size() != 1) {
                    problems.add(name + " resolves to " + indices + ": " + behind);
                }
                JsonNode count = get("/" + name + "/_count");
                if (vanishedUnder(count)) {
                    cutShort.add(name + ": " + count);
                    cutShortAt.add(System.nanoTime());
                } else if (count.path("count").asLong(-1) < minimum) {
                    problems.add(name + " counts fewer than " + minimum + ": " + count);
                }
            });
            polls.incrementAndGet();
        }
    }

    /**
     * True for a search whose every shard failed after the name had resolved (its shards closed under it). Not for
     * an index not found: that is what a name resolving to nothing answers, a problem.
     */
    private static boolean vanishedUnder(JsonNode answer) {
        return "search_phase_execution_exception".equals(answer.path("error").path("type").asText())
                && answer.path("status").asInt() == 503;
    }

    private JsonNode get(String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return Json.mapper().readTree(r.body());
        } catch (IOException e) {
            return Json.mapper().createObjectNode().put("error", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop = true;
            return Json.mapper().createObjectNode().put("error", "interrupted");
        }
    }

    /** Rounds of polls over every name so far. */
    public int polls() {
        return polls.get();
    }

    /** Every poll that found a name resolving to no index or several, or counting too few documents. */
    public List<String> problems() {
        synchronized (problems) {
            return List.copyOf(problems);
        }
    }

    /** Counts that failed because the index they had resolved to was deleted under them. */
    public List<String> searchesCutShort() {
        synchronized (cutShort) {
            return List.copyOf(cutShort);
        }
    }

    /** From the first count cut short to the last; zero when there were none or one. */
    public Duration cutShortSpan() {
        synchronized (cutShortAt) {
            return cutShortAt.isEmpty() ? Duration.ZERO
                    : Duration.ofNanos(cutShortAt.getLast() - cutShortAt.getFirst());
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join();
    }
}
