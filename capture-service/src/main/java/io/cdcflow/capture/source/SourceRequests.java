package io.cdcflow.capture.source;

import io.cdcflow.capture.config.CaptureConfig;
import io.cdcflow.capture.config.SourceConfig;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the REST resources acting on one source share: their error answers and the checks of source and tables. */
public final class SourceRequests {

    private SourceRequests() {
    }

    /** {@code {"error": message}} with {@code status}. */
    public static Response error(Response.Status status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Map.of("error", message)).build();
    }

    /** The 404 for a source that is not configured. */
    public static Response unknownSource(CaptureConfig config, String name) {
        return error(Response.Status.NOT_FOUND, "unknown source '" + name + "' (configured: "
                + config.sources().keySet() + ")");
    }

    /** The 400 for tables the source does not capture; empty when it captures them all. */
    public static Optional<Response> uncaptured(String name, SourceConfig source, List<String> tables) {
        List<String> unknown = tables.stream().filter(t -> !source.tables().contains(t)).toList();
        return unknown.isEmpty() ? Optional.empty() : Optional.of(error(Response.Status.BAD_REQUEST, "source '" + name
                + "' does not capture " + unknown + " (it captures " + source.tables() + ")"));
    }
}
