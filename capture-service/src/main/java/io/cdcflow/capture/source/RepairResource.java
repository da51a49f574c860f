package io.cdcflow.capture.source;

import io.cdcflow.capture.config.CaptureConfig;
import io.cdcflow.capture.config.SourceConfig;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /sources/{source}/repair} with {@code {"tables": ["schema.table"]}} (or no body: every captured table):
 * repairs a source whose sinks may have drifted from it (changes lost to an expired change log or a lost replication
 * slot, hard deletes the timestamp strategy cannot see). The source restarts in a new generation, reads the tables
 * again (trigger and timestamp: from the start; log: a blocking snapshot, or the initial snapshot after a lost slot),
 * and then publishes a sweep per table, so that every sink ends up with exactly the source's rows. Answers 202 once
 * the repair is recorded (it runs asynchronously; the log shows its progress), 404 for an unknown source, 400 for a
 * table the source does not capture, 409 when another instance captures the source.
 */
@Path("/sources/{source}/repair")
public class RepairResource {

    private final CaptureConfig config;
    private final CaptureRunner runner;

    RepairResource(CaptureConfig config, CaptureRunner runner) {
        this.config = config;
        this.runner = runner;
    }

    /** The request body: the tables to repair, as listed in the source's {@code tables}; absent or empty: all. */
    public record RepairRequest(List<String> tables) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response repair(@PathParam("source") String name, RepairRequest request) {
        SourceConfig source = config.sources().get(name);
        if (source == null) {
            return SourceRequests.unknownSource(config, name);
        }
        List<String> tables = request == null || request.tables() == null || request.tables().isEmpty()
                ? source.tables() : request.tables();
        Optional<Response> uncaptured = SourceRequests.uncaptured(name, source, tables);
        if (uncaptured.isPresent()) {
            return uncaptured.get();
        }
        if (!runner.repair(name, tables)) {
            return SourceRequests.error(Response.Status.CONFLICT, "source '" + name + "' is captured by another "
                    + "instance (it holds the leader lock); send the repair to that instance");
        }
        return Response.accepted(Map.of("source", name, "tables", tables, "status",
                "the source restarts in a new generation, reads the tables again and then sweeps them")).build();
    }
}
