package io.cdcflow.capture.source;

import io.cdcflow.capture.config.CaptureStrategy;
import io.cdcflow.capture.config.SourceConfig;

import java.util.function.Supplier;

/** Creates the {@link ChangeSource}s of one capture strategy; a CDI bean per strategy, picked by configuration. */
public interface ChangeSourceFactory {

    /** The strategy this factory implements. */
    CaptureStrategy strategy();

    /**
     * Checks a source's configuration once, at start-up, failing with the property named (and, where the strategy
     * needs it, its tables in the database), and returns what creates the source: at start, and again after each
     * failure or repair, without checking the configuration again.
     */
    Supplier<ChangeSource> prepare(String name, SourceConfig config);
}
