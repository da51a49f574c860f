package io.cdcflow.capture.trigger;

import io.cdcflow.capture.state.StateStore;
import io.cdcflow.model.Json;

import java.io.IOException;

/**
 * The highest change-log {@code seq} a trigger source has published, kept durably (the source's state
 * {@code trigger-seq}: {@code <source>.trigger-seq.json} in the state folder, or the capture state topic) before the published rows are deleted from the change log, so that a change log re-created
 * or restored later can be told to number its changes above it: positions never go back below what the sinks hold.
 */
final class PublishedSequence {

    private final StateStore file;
    private long highest;

    PublishedSequence(StateStore file) throws IOException {
        this.file = file;
        this.highest = file.load().path("highest_seq").asLong(0);
    }

    long highest() {
        return highest;
    }

    /** Records {@code seq} as published, durably, when it is above what was recorded. */
    void published(long seq) throws IOException {
        if (seq > highest) {
            highest = seq;
            file.save(Json.mapper().createObjectNode().put("highest_seq", seq));
        }
    }
}
