package io.cdcflow.warehouse.write;

import java.util.List;

/**
 * Applies a batch of changes to a store under the idempotency rule: a change reaches row K only if its position
 * is newer than the one held for K, deletes leave tombstones. Returns only once the batch is durable; throws
 * {@link StoreUnavailableException} when the store cannot take it now (the caller retries the same batch).
 */
public interface ChangeWriter {

    WriteResult write(List<SinkChange> changes);
}
