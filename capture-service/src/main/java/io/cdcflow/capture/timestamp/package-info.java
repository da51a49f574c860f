/**
 * The timestamp-based strategy: tables polled by a modification-time column with keyset pagination
 * ({@code TimestampQuery}, {@code PollCursor}), positions from a persisted read sequence, deletes seen through a
 * soft-delete column (a hard delete only by a repair's sweep).
 */
package io.cdcflow.capture.timestamp;
