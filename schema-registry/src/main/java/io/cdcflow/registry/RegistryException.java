package io.cdcflow.registry;

/**
 * An error the registry answers with Confluent's body {@code {"error_code":..., "message":...}}; the factory
 * methods carry Confluent's codes so that clients written for Confluent's registry recognise them.
 */
public class RegistryException extends RuntimeException {

    private final int status;
    private final int errorCode;

    public RegistryException(int status, int errorCode, String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    public RegistryException(int status, int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** Confluent's error code. */
    public int errorCode() {
        return errorCode;
    }

    public static RegistryException subjectNotFound(String subject) {
        return new RegistryException(404, 40401, "Subject '" + subject + "' not found.");
    }

    public static RegistryException versionNotFound(String subject, String version) {
        return new RegistryException(404, 40402, "Version " + version + " not found for subject '" + subject + "'.");
    }

    public static RegistryException schemaNotFound() {
        return new RegistryException(404, 40403, "Schema not found");
    }

    public static RegistryException schemaNotFound(int id) {
        return new RegistryException(404, 40403, "Schema " + id + " not found");
    }

    public static RegistryException subjectSoftDeleted(String subject) {
        return new RegistryException(404, 40404, "Subject '" + subject
                + "' was soft deleted. Set permanent=true to delete permanently");
    }

    public static RegistryException subjectNotSoftDeleted(String subject) {
        return new RegistryException(404, 40405, "Subject '" + subject
                + "' was not deleted first before being permanently deleted");
    }

    public static RegistryException versionSoftDeleted(String subject, int version) {
        return new RegistryException(404, 40406, "Subject '" + subject + "' Version " + version
                + " was soft deleted. Set permanent=true to delete permanently");
    }

    public static RegistryException versionNotSoftDeleted(String subject, int version) {
        return new RegistryException(404, 40407, "Subject '" + subject + "' Version " + version
                + " was not deleted first before being permanently deleted");
    }

    public static RegistryException subjectConfigNotFound(String subject) {
        return new RegistryException(404, 40408, "Subject '" + subject
                + "' does not have subject-level compatibility configured");
    }

    public static RegistryException subjectModeNotFound(String subject) {
        return new RegistryException(404, 40409, "Subject '" + subject + "' does not have subject-level mode configured");
    }

    public static RegistryException incompatible(String message) {
        return new RegistryException(409, 409, message);
    }

    public static RegistryException invalidSchema(String message) {
        return new RegistryException(422, 42201, message);
    }

    public static RegistryException invalidVersion(String version) {
        return new RegistryException(422, 42202, "The specified version '" + version + "' is not a valid version id. "
                + "Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    public static RegistryException invalidCompatibilityLevel(String level) {
        return new RegistryException(422, 42203, "Invalid compatibility level. Valid values are none, backward, "
                + "forward, full, backward_transitive, forward_transitive, and full_transitive; got '" + level + "'");
    }

    public static RegistryException invalidMode(String mode) {
        return new RegistryException(422, 42204, "Invalid mode. Valid values are READWRITE, READONLY, "
                + "READONLY_OVERRIDE and IMPORT; got '" + mode + "'");
    }

    public static RegistryException operationNotPermitted(String message) {
        return new RegistryException(422, 42205, message);
    }

    public static RegistryException referenceExists(String message) {
        return new RegistryException(422, 42206, message);
    }

    public static RegistryException invalidSubject(String subject) {
        return new RegistryException(422, 42208, "The specified subject is not valid: '" + subject + "'");
    }

    public static RegistryException storeError(String message, Throwable cause) {
        return new RegistryException(500, 50001, "Error in the backend data store: " + message, cause);
    }
}
