package io.cdcflow.bench.warehouse;

/**
 * What a copy holds of a backlog's rows: the live products from the backlog's first id on, an MD5 of their ids and
 * prices in id order (the generator's updates change the price), and the customers from the backlog's first id on
 * (the generator only inserts those). Two copies with equal fingerprints hold the same result of the backlog.
 */
public record BacklogFingerprint(long products, String productsMd5, long customers) {
}
