package io.cdcflow.warehouse.schema;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The warehouse's plan for each type change DDL can make: the column holds it, widens, or gets a new version. */
class ColumnVersionsTest {

    @Test
    void aColumnHoldsItsOwnTypeAndNarrowerOnesOfItsKind() {
        assertThat(ColumnVersions.holds("bigint", "integer")).isTrue();
        assertThat(ColumnVersions.holds("integer", "integer")).isTrue();
        assertThat(ColumnVersions.holds("double precision", "real")).isTrue();
        assertThat(ColumnVersions.holds("numeric", "numeric(10,2)")).isTrue();
        assertThat(ColumnVersions.holds("numeric(14,2)", "numeric(10,2)")).isTrue();
        assertThat(ColumnVersions.holds("text", "character varying(20)")).isTrue();
        assertThat(ColumnVersions.holds("timestamp without time zone", "timestamp")).as("format_type's spelling").isTrue();
        assertThat(ColumnVersions.holds("timestamp with time zone", "timestamptz")).isTrue();
    }

    @Test
    void aWiderTypeOfTheSameKindIsFollowedInPlace() {
        assertThat(ColumnVersions.holds("integer", "bigint")).isFalse();
        assertThat(ColumnWidening.widened("integer", "bigint")).contains("bigint");
        assertThat(ColumnVersions.holds("real", "double precision")).isFalse();
        assertThat(ColumnWidening.widened("real", "double precision")).contains("double precision");
    }

    @Test
    void aChangeOfKindIsLossyAndGetsANewColumn() {
        for (String[] change : new String[][]{{"integer", "text"}, {"text", "bigint"}, {"date", "timestamp"},
                {"boolean", "integer"}, {"double precision", "numeric(10,2)"}, {"jsonb", "text"}}) {
            assertThat(ColumnVersions.holds(change[0], change[1])).as(change[0] + " -> " + change[1]).isFalse();
            assertThat(ColumnWidening.widened(change[0], change[1])).as(change[0] + " -> " + change[1]).isEmpty();
        }
        assertThat(ColumnVersions.versionedName("qty", "text")).isEqualTo("qty__text");
        assertThat(ColumnVersions.versionedName("price", "numeric(14,2)")).isEqualTo("price__numeric_14_2");
        assertThat(ColumnVersions.versionedName("at", "timestamp")).isEqualTo("at__timestamp_without_time_zone");
        String longName = ColumnVersions.versionedName("c".repeat(63), "double precision");
        assertThat(longName).hasSize(63).endsWith("__double_precision");
    }
}
