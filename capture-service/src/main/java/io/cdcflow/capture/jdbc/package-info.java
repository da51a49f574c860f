/**
 * JDBC access for the polling strategies (trigger and timestamp) and the log strategy's checks: the source's
 * connection and dialects (PostgreSQL, MariaDB), the captured tables' shape and column types, and the change
 * envelopes built from row images ({@code TableEnvelopes}).
 */
package io.cdcflow.capture.jdbc;
