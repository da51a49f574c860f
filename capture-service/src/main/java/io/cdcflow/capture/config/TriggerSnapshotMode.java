package io.cdcflow.capture.config;

/**
 * Whether a trigger source reads the rows its tables already hold, which no trigger saw: {@code initial} reads each
 * table once (recorded in the state folder), after its triggers exist; {@code never} publishes only later changes.
 */
public enum TriggerSnapshotMode {
    initial, never
}
