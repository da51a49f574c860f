package io.cdcflow.capture.state;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where one source keeps the pieces of its durable state, each by name ({@code generation}, {@code trigger-seq},
 * {@code timestamp}, {@code read-seq}): files of the state folder, or records of the capture state topic.
 */
public interface SourceStates {

    /** The piece of state {@code name} of this source. */
    StateStore store(String name);

    /** Files {@code <source>.<name>.json} of {@code stateDir}. */
    static SourceStates inFolder(Path stateDir, String source) {
        return name -> new StateFile(stateDir, source + "." + name + ".json");
    }

    /**
     * Records {@code <source>/<name>} of the capture state topic. A piece the topic does not hold yet is read from
     * {@code earlier} (where the source kept it before it moved to the topic) and saved in the topic at once, so
     * that a replica without that folder sees it too.
     */
    static SourceStates inTopic(KafkaStateTopic topic, String source, SourceStates earlier) {
        return name -> new StateStore() {
            private final String key = source + "/" + name;

            @Override
            public ObjectNode load() throws IOException {
                var stored = topic.load(key);
                if (stored.isPresent()) {
                    return stored.get();
                }
                ObjectNode before = earlier.store(name).load();
                if (!before.isEmpty()) {
                    topic.save(key, before);
                }
                return before;
            }

            @Override
            public void save(ObjectNode state) throws IOException {
                topic.save(key, state);
            }

            @Override
            public String toString() {
                return topic.topic() + " (" + key + ")";
            }
        };
    }
}
