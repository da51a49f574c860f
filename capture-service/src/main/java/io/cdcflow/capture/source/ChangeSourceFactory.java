package io.cdcflow.capture.source;

import io.cdcflow.capture.config.CaptureStrategy;
import io.cdcflow.capture.config.SourceConfig;

/** Creates the {@link ChangeSource} of one capture strategy; a CDI bean per strategy, picked by configuration. */
public interface ChangeSourceFactory {

    /** The strategy this factory implements. */
    CaptureStrategy strategy();

    /** Validates the source's configuration (failing with the property name) and creates its source. */
    ChangeSource create(String name, SourceConfig config);
}
