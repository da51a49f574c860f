package io.cdcflow.capture.state;

import io.cdcflow.capture.config.CaptureConfigs;
import io.cdcflow.capture.config.SourceConfig;
import io.cdcflow.capture.config.StateStoreKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Where a source keeps its state: as configured, else in Kafka exactly when its log offsets are there. */
class CaptureStatesTest {

    @ParameterizedTest(name = "strategy={0} log.offset-store={1} state-store={2}: {3}")
    @CsvSource({
            "log,       file,  ,      file",
            "log,       kafka, ,      kafka",
            "log,       kafka, file,  file",
            "log,       file,  kafka, kafka",
            "trigger,   ,      ,      file",
            "trigger,   ,      kafka, kafka",
            "timestamp, kafka, ,      file",
            "timestamp, ,      kafka, kafka",
    })
    void theStateStoreIsTheConfiguredOneElseFollowsTheLogOffsets(String strategy, String offsetStore, String stateStore,
                                                                 StateStoreKind expected) {
        String prefix = "cdc.capture.sources.shop.";
        Map<String, String> p = new HashMap<>(Map.of(prefix + "strategy", strategy, prefix + "kind", "postgresql",
                prefix + "host", "db", prefix + "port", "5432", prefix + "database", "shop", prefix + "user", "cdc",
                prefix + "password", "secret", prefix + "tables", "public.orders"));
        if (offsetStore != null) {
            p.put(prefix + "log.offset-store", offsetStore);
        }
        if (stateStore != null) {
            p.put(prefix + "state-store", stateStore);
        }
        SourceConfig source = CaptureConfigs.of(p).sources().get("shop");
        assertThat(CaptureStates.kind(source)).isEqualTo(expected);
    }
}
