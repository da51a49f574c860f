package io.cdcflow.search.write;

import org.junit.jupiter.api.Test;

import static io.cdcflow.search.write.BulkItemOutcome.APPLIED;
import static io.cdcflow.search.write.BulkItemOutcome.REJECTED;
import static io.cdcflow.search.write.BulkItemOutcome.RETRY;
import static io.cdcflow.search.write.BulkItemOutcome.STALE;
import static io.cdcflow.search.write.BulkItemOutcome.classify;
import static org.assertj.core.api.Assertions.assertThat;

class BulkItemOutcomeTest {

    @Test
    void createdAndUpdatedAreApplied() {
        assertThat(classify(201, null, "created")).isEqualTo(APPLIED);
        assertThat(classify(200, null, "updated")).isEqualTo(APPLIED);
    }

    @Test
    void aGuardedWriteThatChangedNothingIsStaleNotAnError() {
        assertThat(classify(200, null, "noop")).isEqualTo(STALE);
    }

    @Test
    void aVersionConflictAfterTheRetriesOnConflictIsRetried() {
        assertThat(classify(409, "version_conflict_engine_exception", null)).isEqualTo(RETRY);
    }

    @Test
    void mappingRejectionsAreDeadLettered() {
        assertThat(classify(400, "mapper_parsing_exception", null)).isEqualTo(REJECTED);
        assertThat(classify(400, "document_parsing_exception", null)).isEqualTo(REJECTED);
        assertThat(classify(400, "illegal_argument_exception", null)).isEqualTo(REJECTED);
        assertThat(classify(400, "some_new_exception", null)).isEqualTo(REJECTED);
    }

    @Test
    void overloadAndOutagesAreRetried() {
        assertThat(classify(429, "es_rejected_execution_exception", null)).isEqualTo(RETRY);
        assertThat(classify(429, "opensearch_rejected_execution_exception", null)).isEqualTo(RETRY);
        assertThat(classify(503, "unavailable_shards_exception", null)).isEqualTo(RETRY);
        assertThat(classify(500, "exception", null)).isEqualTo(RETRY);
        assertThat(classify(404, "index_not_found_exception", null)).isEqualTo(RETRY);
        assertThat(classify(403, "cluster_block_exception", null)).isEqualTo(RETRY);
    }

    @Test
    void unknownStatusesAreRetriedRatherThanLost() {
        assertThat(classify(401, "security_exception", null)).isEqualTo(RETRY);
    }
}
