package io.cdcflow.capture.config;

import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One source database and how to capture it ({@code cdc.capture.sources.<name>.*}): the connection and tables, then
 * one group per strategy ({@code log.*}, {@code trigger.*}, {@code timestamp.*}), of which only the chosen
 * strategy's is read. The flat names of earlier versions still work, with a warning ({@link RenamedSourceProperties}).
 */
public interface SourceConfig {

    /** The capture strategy: {@code log}, {@code trigger} or {@code timestamp}. */
    @WithDefault("log")
    CaptureStrategy strategy();

    /** The kind of database: {@code postgresql}, {@code mysql} or {@code mariadb}. */
    DatabaseKind kind();

    /** Host name of the database server. */
    String host();

    /** Port of the database server. */
    int port();

    /** The database (PostgreSQL) or schema (MySQL) to capture from. */
    String database();

    /** The user capture connects as; see the README for the privileges each strategy needs. */
    String user();

    /** Its password; take it from an environment variable or a mounted secret, never a committed file. */
    String password();

    /** The captured tables as {@code schema.table} (PostgreSQL) or {@code database.table} (MySQL/MariaDB). */
    List<String> tables();

    /**
     * Where the source keeps its own state (its generation, which a repair or a strategy switch raises; the trigger
     * strategy's highest published {@code seq}; the timestamp strategy's watermarks): {@code file} (in
     * {@code state-dir}) or {@code kafka} (the compacted {@code state-topic}, which every replica reads, so that a
     * standby needs no shared volume). Defaults to {@code kafka} for a log source with {@code log.offset-store=kafka},
     * {@code file} otherwise. Moving to {@code kafka} copies what the state folder holds into the topic on first read.
     */
    Optional<StateStoreKind> stateStore();

    /** Log strategy (Debezium): slot, snapshots, column filters, where offsets are kept. */
    Log log();

    /** Trigger strategy: the change-log table and its triggers. */
    Trigger trigger();

    /** Timestamp strategy: the columns polled. */
    Timestamp timestamp();

    /** The log strategy's settings ({@code cdc.capture.sources.<name>.log.*}). */
    interface Log {

        /** Replication slot name (PostgreSQL); defaults to {@code cdcflow_<source>}. */
        Optional<String> slotName();

        /** Publication name (PostgreSQL); created for the captured tables when absent. */
        Optional<String> publicationName();

        /** Replication client id (MySQL/MariaDB): unique among the server's replicas; derived from the name when absent. */
        Optional<Long> serverId();

        /**
         * PostgreSQL: refuse to start when a captured table lacks {@code REPLICA IDENTITY FULL}. Without it,
         * updates carry no old values, and an unchanged TOASTed column would reach the sinks as Debezium's placeholder;
         * with it, Debezium takes the unchanged value from the old row. Set false to only warn.
         */
        @WithDefault("true")
        boolean requireFullReplicaIdentity();

        /** Debezium snapshot mode: {@code initial}, {@code no_data}, {@code when_needed}, ... */
        @WithDefault("initial")
        String snapshotMode();

        /** How often a heartbeat is emitted so an idle database does not hold WAL behind the slot. */
        @WithDefault("10s")
        Duration heartbeatInterval();

        /**
         * Debezium signal table through which on-demand incremental snapshots are requested, as
         * {@code schema.table} (PostgreSQL, default {@code public.cdcflow_signal_<source>}) or {@code database.table}
         * (MySQL/MariaDB, default {@code <database>.cdcflow_signal_<source>}); one per source; created if absent and, on
         * PostgreSQL, added to the publication; capture marks the requests it streams there and writes again those made
         * before its stream began (the capture user needs SELECT, INSERT and UPDATE on it).
         */
        Optional<String> signalTable();

        /** Rows read per chunk by an incremental snapshot; each chunk is one query and one window. */
        @WithDefault("1024")
        int incrementalSnapshotChunkSize();

        /** Only these columns are captured, as {@code schema.table.column}; the primary key must be among them. Not with {@code column-exclude-list}. */
        Optional<List<String>> columnIncludeList();

        /** These columns ({@code schema.table.column}) are left out of every event, its schema included. */
        Optional<List<String>> columnExcludeList();

        /** Character columns ({@code schema.table.column}) published as a salted SHA-256 hash (hex) of their value. */
        Optional<List<String>> columnMaskHash();

        /** The salt of {@code column-mask-hash}; required with it; take it from a secret, as it makes the hashes unguessable. */
        Optional<String> columnMaskHashSalt();

        /** Character columns ({@code schema.table.column}) published as {@code column-mask-chars-length} asterisks. */
        Optional<List<String>> columnMaskChars();

        /** How many asterisks replace a {@code column-mask-chars} value. */
        @WithDefault("8")
        int columnMaskCharsLength();

        /** Where offsets (and the MySQL/MariaDB schema history) are kept, {@code file} (in {@code state-dir}) or {@code kafka}. */
        @WithDefault("file")
        OffsetStore offsetStore();

        /** With {@code offset-store=kafka}: the compacted topic of the offsets; sources may share it (keys name the source). */
        @WithDefault("cdcflow-capture-offsets")
        String offsetTopic();

        /** With {@code offset-store=kafka}: partitions of the offset topic when capture creates it. */
        @WithDefault("1")
        int offsetTopicPartitions();

        /**
         * With {@code offset-store=kafka}: replication factor of the offset topic when capture creates it; -1 takes the
         * broker's {@code default.replication.factor} (3 in production), as the schema-history topic always does.
         */
        @WithDefault("-1")
        short offsetTopicReplicationFactor();

        /** With {@code offset-store=kafka}, MySQL/MariaDB: the schema-history topic, one per source; defaults to {@code cdcflow-capture-schema-history.<source>}. */
        Optional<String> schemaHistoryTopic();

        /** Further Debezium connector properties, passed through as they are (e.g. {@code column.mask.with.12.chars}). */
        Map<String, String> debezium();
    }

    /** The trigger strategy's settings ({@code cdc.capture.sources.<name>.trigger.*}). */
    interface Trigger {

        /** How long capture waits after a poll of the change log that found nothing new. */
        @WithDefault("500ms")
        Duration pollInterval();

        /** The most changes read from the change log and published in one step. */
        @WithDefault("1000")
        int batchSize();

        /** Where the change-log table is kept: a schema (PostgreSQL, default {@code cdc}) or database (MySQL/MariaDB, default the source database). */
        Optional<String> schema();

        /** Install (idempotently) the change-log table and the triggers at start-up; off when a DBA installs them. */
        @WithDefault("true")
        boolean install();

        /**
         * {@code initial} publishes the rows each table held before its triggers, once, as snapshot reads ({@code r})
         * in primary-key chunks of {@code batch-size}, resuming after a restart; {@code never} does not.
         */
        @WithDefault("initial")
        TriggerSnapshotMode snapshot();

        /** Change-log rows older than this are deleted even if unpublished, bounding the table while capture is stopped; logged as a loss. */
        @WithDefault("7d")
        Duration maxAge();
    }

    /** The timestamp strategy's settings ({@code cdc.capture.sources.<name>.timestamp.*}). */
    interface Timestamp {

        /** How long capture waits after a poll that found nothing new. */
        @WithDefault("500ms")
        Duration pollInterval();

        /** The most rows per table read and published in one step. */
        @WithDefault("1000")
        int batchSize();

        /** The column holding each row's last-modification time, kept current by the application. */
        @WithDefault("updated_at")
        String column();

        /** How far behind its watermark each poll looks again, for transactions that commit after a later timestamp was read. */
        @WithDefault("5s")
        Duration overlap();

        /** Soft-delete column: a row where it is set is published as a delete; tables without it have no deletes. */
        @WithDefault("deleted_at")
        String deletedColumn();

        /** Creation-time column: a row whose creation and modification times are equal is published as a create, others as updates. */
        Optional<String> createdColumn();
    }
}
