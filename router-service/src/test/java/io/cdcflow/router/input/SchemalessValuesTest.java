package io.cdcflow.router.input;

import io.cdcflow.model.ChangeEventSerde;
import io.cdcflow.model.MalformedEventException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Values of schemaless records that only their schema could decode are refused, with the fix in the message. */
class SchemalessValuesTest {

    private static void check(String row) {
        SchemalessValues.check(ChangeEventSerde.readValue(("{\"before\":null,\"after\":" + row
                + ",\"source\":{\"connector\":\"postgresql\",\"lsn\":5},\"op\":\"c\",\"ts_ms\":1}")
                .getBytes(StandardCharsets.UTF_8)).event());
    }

    @Test
    void aVariableScaleDecimalWithoutItsSchemaIsRefusedNamingTheColumnAndTheFix() {
        // 12.345 = unscaled 12345 (0x3039) with scale 3, as Debezium writes numeric without a scale.
        assertThatThrownBy(() -> check("{\"id\":1,\"amount\":{\"scale\":3,\"value\":\"MDk=\"}}"))
                .isInstanceOfSatisfying(MalformedEventException.class, e -> org.assertj.core.api.Assertions
                        .assertThat(e.reason()).isEqualTo(MalformedEventException.Reason.SCHEMA_MISMATCH))
                .hasMessageContaining("'amount'")
                .hasMessageContaining("decimal.handling.mode=string")
                .hasMessageContaining("value.converter.schemas.enable=true")
                .hasMessageContaining("value.converter.decimal.format=NUMERIC");
    }

    @Test
    void otherObjectsAndDecimalsAsStringsOrNumbersPass() {
        assertThatCode(() -> check("{\"id\":1,\"amount\":\"12.345\",\"price\":12.5,\"doc\":\"{\\\"scale\\\":1}\","
                + "\"geo\":{\"wkb\":\"AQE=\",\"srid\":4326},\"s\":{\"scale\":\"3\",\"value\":\"MDk=\"},"
                + "\"t\":{\"scale\":3,\"value\":\"MDk=\",\"more\":1},\"u\":{\"scale\":3,\"value\":\"not base64!\"}}"))
                .doesNotThrowAnyException();
    }
}
