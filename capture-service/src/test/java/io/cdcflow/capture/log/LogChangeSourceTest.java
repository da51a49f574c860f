package io.cdcflow.capture.log;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogChangeSourceTest {

    @Test
    void aBinlogPositionTheServerNoLongerHasIsRecognisedAtStartAndWhileStreaming() {
        // Debezium at start, wrapped by its engine.
        assertThat(LogChangeSource.positionLost(new IllegalStateException("engine failed", new RuntimeException(
                "The connector is trying to read change stream starting at ..., but this is no longer available on "
                        + "the server. Reconfigure the connector to use a snapshot mode when needed.")))).isTrue();
        // The binlog reader after RESET MASTER.
        assertThat(LogChangeSource.positionLost(new RuntimeException("could not find next log; the first event '.' at 0,"
                + " the last event read from 'mariadb-bin.000003' at 1428. Error code: 1236; SQLSTATE: HY000."))).isTrue();
        assertThat(LogChangeSource.positionLost(new RuntimeException("Connection refused. Error code: 0; SQLSTATE: 08000."))).isFalse();
        assertThat(LogChangeSource.positionLost(new RuntimeException((String) null))).isFalse();
    }
}
