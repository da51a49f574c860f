package io.cdcflow.capture.config;

/** How changes are read from a source: its transaction log, a trigger-fed change-log table, or timestamp polling. */
public enum CaptureStrategy {
    log, trigger, timestamp
}
