package io.cdcflow.capture.log;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A change whose position no consumer could form stops its source, naming the recovery, before it is published. */
class PositionCheckTest {

    private static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.mariadb.Source")
            .field("connector", Schema.STRING_SCHEMA).field("db", Schema.STRING_SCHEMA)
            .field("table", Schema.STRING_SCHEMA).field("file", Schema.STRING_SCHEMA)
            .field("pos", Schema.INT64_SCHEMA).field("row", Schema.OPTIONAL_INT32_SCHEMA)
            .field("gtid", Schema.OPTIONAL_STRING_SCHEMA).build();
    private static final Schema TRANSACTION = SchemaBuilder.struct().optional()
            .field("id", Schema.STRING_SCHEMA).field("total_order", Schema.INT64_SCHEMA)
            .field("data_collection_order", Schema.INT64_SCHEMA).build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().name("shop.items.Envelope")
            .field("source", SOURCE).field("op", Schema.STRING_SCHEMA).field("transaction", TRANSACTION).build();

    private static Struct change(String connector, String file, long pos, String gtid, Long totalOrder) {
        Struct source = new Struct(SOURCE).put("connector", connector).put("db", "shop").put("table", "items")
                .put("file", file).put("pos", pos).put("row", 0).put("gtid", gtid);
        Struct envelope = new Struct(ENVELOPE).put("source", source).put("op", "u");
        if (totalOrder != null) {
            envelope.put("transaction", new Struct(TRANSACTION).put("id", gtid).put("total_order", totalOrder)
                    .put("data_collection_order", 1L));
        }
        return envelope;
    }

    @Test
    void binlogCoordinatesBeyondThePositionLimitsStopTheSourceWithTheRecovery() {
        assertThatCode(() -> PositionCheck.check("shop", change("mariadb", "mysql-bin.000042", 1_234, null, null)))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> PositionCheck.check("shop", change("mariadb", "mysql-bin.3000000000", 4, null, null)))
                .isInstanceOf(PositionCheck.PositionLimitException.class)
                .hasMessageContaining("source shop: a change's position cannot be formed")
                .hasMessageContaining("file 3000000000").hasMessageContaining("bin/cdcflow repair shop");
        assertThatThrownBy(() -> PositionCheck.check("shop", change("mysql", "mysql-bin.000001", 1L << 33, null, null)))
                .hasMessageContaining("offset below 4 GiB");
    }

    @Test
    void aGtidWithTransactionMetadataOrdersByItsSequenceWhateverTheFile() {
        assertThatCode(() -> PositionCheck.check("shop", change("mariadb", "mysql-bin.3000000000", 4, "0-1-77", 2L)))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> PositionCheck.check("shop",
                change("mariadb", "mysql-bin.000001", 4, "0-1-99999999999999999999", 2L)))
                .hasMessageContaining("gtid is not a number below 2^63");
    }

    @Test
    void otherConnectorsAreNotChecked() {
        assertThatCode(() -> PositionCheck.check("shop", change("postgresql", "x", -1, null, null)))
                .doesNotThrowAnyException();
    }

    @Test
    void theHealthCheckShowsTheInnermostFailureThatNamesTheSource() {
        Exception wrapped = new RuntimeException("Error while processing event",
                new PositionCheck.PositionLimitException("shop", "file 3000000000"));
        assertThat(io.cdcflow.capture.source.CaptureRunner.describe(wrapped))
                .startsWith("source shop: a change's position cannot be formed");
    }
}
