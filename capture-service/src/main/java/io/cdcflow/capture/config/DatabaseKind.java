package io.cdcflow.capture.config;

/** The source database engines capture-service reads from. */
public enum DatabaseKind {
    postgresql, mysql, mariadb
}
