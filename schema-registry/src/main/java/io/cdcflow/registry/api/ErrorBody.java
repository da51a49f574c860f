package io.cdcflow.registry.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Confluent's error body: {@code {"error_code": 40401, "message": "..."}}. */
public record ErrorBody(@JsonProperty("error_code") int errorCode, String message) {
}
