package io.cdcflow.warehouse.schema;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ColumnWideningTest {

    @Test
    void aWiderSourceTypeWidensTheColumn() {
        assertThat(ColumnWidening.widened("integer", "bigint")).contains("bigint");
        assertThat(ColumnWidening.widened("smallint", "integer")).contains("integer");
        assertThat(ColumnWidening.widened("real", "double precision")).contains("double precision");
        assertThat(ColumnWidening.widened("numeric(10,2)", "numeric(14,2)")).contains("numeric(14,2)");
        assertThat(ColumnWidening.widened("numeric(10,2)", "numeric(10,4)")).as("more scale keeps the integer digits")
                .contains("numeric(12,4)");
        assertThat(ColumnWidening.widened("numeric(10,2)", "numeric")).contains("numeric");
        assertThat(ColumnWidening.widened("integer", "numeric(12,2)")).contains("numeric(12,2)");
    }

    @Test
    void theSameOrANarrowerSourceTypeKeepsTheColumn() {
        assertThat(ColumnWidening.widened("bigint", "bigint")).isEmpty();
        assertThat(ColumnWidening.widened("bigint", "integer")).isEmpty();
        assertThat(ColumnWidening.widened("double precision", "real")).isEmpty();
        assertThat(ColumnWidening.widened("numeric(14,2)", "numeric(10,2)")).isEmpty();
        assertThat(ColumnWidening.widened("numeric", "numeric(10,2)")).isEmpty();
    }

    @Test
    void typesOfDifferentKindsAreNotReconciledInPlace() {
        assertThat(ColumnWidening.widened("text", "bigint")).isEmpty();
        assertThat(ColumnWidening.widened("bigint", "text")).isEmpty();
        assertThat(ColumnWidening.widened("timestamp without time zone", "date")).isEmpty();
    }
}
