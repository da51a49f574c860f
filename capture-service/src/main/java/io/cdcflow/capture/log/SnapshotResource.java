package io.cdcflow.capture.log;

import io.cdcflow.capture.config.CaptureConfig;
import io.cdcflow.capture.config.CaptureStrategy;
import io.cdcflow.capture.config.SourceConfig;
import io.cdcflow.capture.source.SourceRequests;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /sources/{source}/snapshots} with {@code {"tables": ["schema.table"]}}: asks a log-based source for an
 * incremental snapshot of some of its captured tables, through its signal table, while it keeps streaming. Answers
 * 202 with the signal id once the signal is committed in the source database (the snapshot itself runs
 * asynchronously, chunk by chunk), 404 for an unknown source, 400 for a table the source does not capture.
 */
@Path("/sources/{source}/snapshots")
public class SnapshotResource {

    private static final Logger LOG = Logger.getLogger(SnapshotResource.class);

    private final CaptureConfig config;

    SnapshotResource(CaptureConfig config) {
        this.config = config;
    }

    /** The request body: the tables to snapshot again, as listed in the source's {@code tables}. */
    public record SnapshotRequest(List<String> tables) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response request(@PathParam("source") String name, SnapshotRequest request) {
        SourceConfig source = config.sources().get(name);
        if (source == null) {
            return SourceRequests.unknownSource(config, name);
        }
        if (source.strategy() != CaptureStrategy.log) {
            return SourceRequests.error(Response.Status.BAD_REQUEST, "source '" + name + "' uses the "
                    + source.strategy() + " strategy; on-demand snapshots need the log strategy");
        }
        if (request == null || request.tables() == null || request.tables().isEmpty()) {
            return SourceRequests.error(Response.Status.BAD_REQUEST,
                    "name the tables to snapshot: {\"tables\": [\"schema.table\"]}");
        }
        Optional<Response> uncaptured = SourceRequests.uncaptured(name, source, request.tables());
        if (uncaptured.isPresent()) {
            return uncaptured.get();
        }
        try {
            String id = SignalTable.of(name, source).requestIncrementalSnapshot(request.tables());
            LOG.infof("source %s: incremental snapshot of %s requested (signal %s)", name, request.tables(), id);
            return Response.accepted(Map.of("id", id, "source", name, "tables", request.tables())).build();
        } catch (SQLException e) {
            LOG.errorf(e, "source %s: cannot insert the snapshot signal", name);
            return SourceRequests.error(Response.Status.SERVICE_UNAVAILABLE,
                    "cannot write the signal to source '" + name + "': " + e.getMessage());
        }
    }
}
