package io.cdcflow.capture.state;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;

/**
 * One piece of a source's durable state, a JSON object: a file of the state folder ({@link StateFile}), or a row of
 * the source database where a strategy keeps what every instance that may capture the source must see.
 */
public interface StateStore {

    /** The stored object; empty when nothing was stored yet. */
    ObjectNode load() throws IOException;

    /** Replaces the stored object, durably. */
    void save(ObjectNode state) throws IOException;
}
