package io.cdcflow.capture.config;

import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One source database and how to capture it ({@code cdc.capture.sources.<name>.*}). */
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

    /** Replication slot name (log strategy, PostgreSQL); defaults to {@code cdcflow_<source>}. */
    Optional<String> slotName();

    /** Publication name (log strategy, PostgreSQL); created for the captured tables when absent. */
    Optional<String> publicationName();

    /** Replication client id (log strategy, MySQL/MariaDB): unique among the server's replicas; derived from the name when absent. */
    Optional<Long> serverId();

    /**
     * Log strategy, PostgreSQL: refuse to start when a captured table lacks {@code REPLICA IDENTITY FULL}. Without it,
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
     * Debezium signal table (log strategy) through which on-demand incremental snapshots are requested, as
     * {@code schema.table} (PostgreSQL, default {@code public.cdcflow_signal_<source>}) or {@code database.table}
     * (MySQL/MariaDB, default {@code <database>.cdcflow_signal_<source>}); one per source; created if absent and, on
     * PostgreSQL, added to the publication.
     */
    Optional<String> signalTable();

    /** Rows read per chunk by an incremental snapshot (log strategy); each chunk is one query and one window. */
    @WithDefault("1024")
    int incrementalSnapshotChunkSize();

    /** Log strategy: only these columns are captured, as {@code schema.table.column}; the primary key must be among them. Not with {@code column-exclude-list}. */
    Optional<List<String>> columnIncludeList();

    /** Log strategy: these columns ({@code schema.table.column}) are left out of every event, its schema included. */
    Optional<List<String>> columnExcludeList();

    /** Log strategy: character columns ({@code schema.table.column}) published as a salted SHA-256 hash (hex) of their value. */
    Optional<List<String>> columnMaskHash();

    /** The salt of {@code column-mask-hash}; required with it; take it from a secret, as it makes the hashes unguessable. */
    Optional<String> columnMaskHashSalt();

    /** Log strategy: character columns ({@code schema.table.column}) published as {@code column-mask-chars-length} asterisks. */
    Optional<List<String>> columnMaskChars();

    /** How many asterisks replace a {@code column-mask-chars} value. */
    @WithDefault("8")
    int columnMaskCharsLength();

    /** Log strategy: where offsets (and the MySQL/MariaDB schema history) are kept, {@code file} (in {@code state-dir}) or {@code kafka}. */
    @WithDefault("file")
    OffsetStore offsetStore();

    /** With {@code offset-store=kafka}: the compacted topic of the offsets; sources may share it (keys name the source). */
    @WithDefault("cdcflow-capture-offsets")
    String offsetTopic();

    /** With {@code offset-store=kafka}: partitions of the offset topic when capture creates it. */
    @WithDefault("1")
    int offsetTopicPartitions();

    /** With {@code offset-store=kafka}: replication factor of the offset topic when capture creates it (3 in production); the schema-history topic takes the broker's default. */
    @WithDefault("1")
    short offsetTopicReplicationFactor();

    /** With {@code offset-store=kafka}, MySQL/MariaDB: the schema-history topic, one per source; defaults to {@code cdcflow-capture-schema-history.<source>}. */
    Optional<String> schemaHistoryTopic();

    /** Further Debezium connector properties, passed through as they are (e.g. {@code column.mask.with.12.chars}). */
    Map<String, String> debezium();

    /** How long the trigger and timestamp strategies wait after a poll that found nothing new. */
    @WithDefault("500ms")
    Duration pollInterval();

    /** The most changes (trigger) or rows per table (timestamp) read and published in one step. */
    @WithDefault("1000")
    int batchSize();

    /** Where the trigger strategy keeps its change-log table: a schema (PostgreSQL, default {@code cdc}) or database (MySQL/MariaDB, default the source database). */
    Optional<String> triggerSchema();

    /** Install (idempotently) the change-log table and the triggers at start-up (trigger strategy); off when a DBA installs them. */
    @WithDefault("true")
    boolean triggerInstall();

    /**
     * Trigger strategy: {@code initial} publishes the rows each table held before its triggers, once, as snapshot
     * reads ({@code r}) in primary-key chunks of {@code batch-size}, resuming after a restart; {@code never} does not.
     */
    @WithDefault("initial")
    TriggerSnapshotMode triggerSnapshot();

    /** Change-log rows older than this are deleted even if unpublished, bounding the table while capture is stopped (trigger strategy); logged as a loss. */
    @WithDefault("7d")
    Duration triggerMaxAge();

    /** The column holding each row's last-modification time, kept current by the application (timestamp strategy). */
    @WithDefault("updated_at")
    String timestampColumn();

    /** How far behind its watermark each poll looks again, for transactions that commit after a later timestamp was read (timestamp strategy). */
    @WithDefault("5s")
    Duration timestampOverlap();

    /** Soft-delete column: a row where it is set is published as a delete (timestamp strategy); tables without it have no deletes. */
    @WithDefault("deleted_at")
    String timestampDeletedColumn();

    /** Creation-time column: a row whose creation and modification times are equal is published as a create, others as updates (timestamp strategy). */
    Optional<String> timestampCreatedColumn();
}
