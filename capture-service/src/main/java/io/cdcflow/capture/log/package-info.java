/**
 * The log-based strategy: Debezium's embedded engine wired for PostgreSQL (pgoutput, a replication slot) and for
 * MariaDB/MySQL (the binlog), its records made change events ({@code ConnectRecordConverter}), their positions
 * checked ({@code PositionCheck}) and their offsets committed only where a resume stays exact ({@code ResumePoint});
 * source checks at start-up, slot lag, binlog-history watch, signals and incremental snapshots.
 */
package io.cdcflow.capture.log;
