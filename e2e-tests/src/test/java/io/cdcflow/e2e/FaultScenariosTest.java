package io.cdcflow.e2e;

import io.cdcflow.testkit.StackEndpoints;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which fault scenarios each size of the fault suite runs, by the Kafka brokers of the stack, without a stack. */
class FaultScenariosTest {

    private static List<String> kafkaNodeKills(FaultSuiteIT.Mode mode, int brokers) {
        StackEndpoints stack = new StackEndpoints(Map.of("CDC_KAFKA_BROKERS", Integer.toString(brokers)));
        return mode.faults(stack).stream().filter(f -> f instanceof Fault.KillKafkaNodes).map(Fault::name).toList();
    }

    @Test
    void oneBrokerLeavesOutTheBrokerAndControllerKills() {
        assertThat(kafkaNodeKills(FaultSuiteIT.Mode.SHORT, 1)).isEmpty();
        assertThat(kafkaNodeKills(FaultSuiteIT.Mode.FULL, 1)).isEmpty();
    }

    @Test
    void threeBrokersKillABrokerTheControllerAndThenBoth() {
        assertThat(kafkaNodeKills(FaultSuiteIT.Mode.SHORT, 3)).containsExactly("kill -9 a broker, 5 s each");
        assertThat(kafkaNodeKills(FaultSuiteIT.Mode.FULL, 3)).containsExactly("kill -9 a broker, 10 s each",
                "kill -9 the active controller, 10 s each", "kill -9 a broker, then the active controller, 10 s each");
    }
}
