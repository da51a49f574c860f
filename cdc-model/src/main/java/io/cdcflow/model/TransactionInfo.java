package io.cdcflow.model;

/**
 * The envelope's {@code transaction} block: the source transaction an event belongs to and its order in it.
 *
 * @param id                  the transaction id as the connector writes it (for PostgreSQL {@code txId:lsn})
 * @param totalOrder          1-based position of the event among all events of the transaction
 * @param dataCollectionOrder 1-based position among the transaction's events of the same table
 */
public record TransactionInfo(String id, long totalOrder, long dataCollectionOrder) {
}
