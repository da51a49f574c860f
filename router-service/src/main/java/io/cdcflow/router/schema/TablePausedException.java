package io.cdcflow.router.schema;

/**
 * Raised when a table's events must stop being routed (its policy is {@code pause} and its schema changed
 * incompatibly): the record that raised it is not routed, and neither is anything after it in the table's topic.
 */
public class TablePausedException extends RuntimeException {

    private final String topic;
    private final String subject;
    private final String pendingSchema;

    public TablePausedException(String topic, String subject, String pendingSchema, String reason) {
        super(reason);
        this.topic = topic;
        this.subject = subject;
        this.pendingSchema = pendingSchema;
    }

    /** The table's raw topic. */
    public String topic() {
        return topic;
    }

    /** The subject that refused the schema. */
    public String subject() {
        return subject;
    }

    /** The Avro schema the registry refused, to register when an operator accepts it. */
    public String pendingSchema() {
        return pendingSchema;
    }
}
