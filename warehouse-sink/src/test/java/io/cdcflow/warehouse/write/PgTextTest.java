package io.cdcflow.warehouse.write;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class PgTextTest {

    @Test
    void valuesAreWrittenInPostgresqlInputForm() {
        assertThat(PgText.of(null)).isNull();
        assertThat(PgText.of("NULL")).isEqualTo("NULL");
        assertThat(PgText.of(new byte[]{0, 0x5c, (byte) 255})).isEqualTo("\\x005cff");
        assertThat(PgText.of(new BigDecimal("1E+3"))).isEqualTo("1E+3");
        assertThat(PgText.of(Double.NaN)).isEqualTo("NaN");
        assertThat(PgText.of(true)).isEqualTo("true");
        assertThat(PgText.of(LocalDate.of(2024, 1, 2))).isEqualTo("2024-01-02");
        assertThat(PgText.of(LocalDate.of(-43, 3, 15))).isEqualTo("0044-03-15 BC");
        assertThat(PgText.of(LocalDate.of(12345, 1, 1))).isEqualTo("12345-01-01");
        assertThat(PgText.of(LocalTime.of(1, 0))).isEqualTo("01:00");
        assertThat(PgText.of(LocalDateTime.of(2024, 1, 1, 0, 0, 0, 1000))).isEqualTo("2024-01-01 00:00:00.000001");
        assertThat(PgText.of(OffsetDateTime.of(2024, 1, 1, 10, 0, 0, 0, ZoneOffset.UTC))).isEqualTo("2024-01-01 10:00+00:00");
        assertThat(PgText.of(OffsetDateTime.of(2024, 1, 1, 10, 0, 0, 0, ZoneOffset.ofHoursMinutes(5, 30))))
                .isEqualTo("2024-01-01 10:00+05:30");
        UUID u = UUID.randomUUID();
        assertThat(PgText.of(u)).isEqualTo(u.toString());
    }
}
