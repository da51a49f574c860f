package io.cdcflow.capture.timestamp;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The overlap window's bookkeeping: membership, the watermark, dropping what fell out, and the stored form. */
class PublishedWindowTest {

    @Test
    void remembersRowsInTheWindowAndForgetsOlderOnes() {
        PublishedWindow w = new PublishedWindow();
        w.add(1_000, "{\"id\":1}", "h");
        w.add(1_000, "{\"id\":2}", "h");
        w.add(5_000, "{\"id\":1}", "h");
        w.add(5_000, "{\"id\":1}", "h"); // once only
        assertThat(w.watermarkUs()).isEqualTo(5_000);
        assertThat(w.size()).isEqualTo(3);
        assertThat(w.contains(1_000, "{\"id\":2}", "h")).isTrue();
        assertThat(w.contains(5_000, "{\"id\":2}", "h")).isFalse();

        w.dropOutside(4_000); // keeps timestamps >= 1_000
        assertThat(w.size()).isEqualTo(3);
        w.dropOutside(3_999); // keeps >= 1_001
        assertThat(w.size()).isEqualTo(1);
        assertThat(w.contains(1_000, "{\"id\":1}", "h")).isFalse();
        assertThat(w.contains(5_000, "{\"id\":1}", "h")).isTrue();
    }

    @Test
    void aRowStateThatChangedWithinOneTickIsNewAndAStateSeenBeforeIsNot() {
        PublishedWindow w = new PublishedWindow();
        w.add(1_000, "{\"id\":1}", "a");
        assertThat(w.contains(1_000, "{\"id\":1}", "a")).isTrue();
        assertThat(w.contains(1_000, "{\"id\":1}", "b")).as("changed within the tick").isFalse();
        w.add(1_000, "{\"id\":1}", "b");
        assertThat(w.contains(1_000, "{\"id\":1}", "a")).as("changed back: new again").isFalse();
        assertThat(w.size()).isEqualTo(1);
        // A window saved before digests were kept matches no state: its rows are published once more.
        PublishedWindow old = PublishedWindow.of(new WatermarkStore.TableWatermark(1_000, Set.of("1000|{\"id\":1}")));
        assertThat(old.contains(1_000, "{\"id\":1}", "a")).isFalse();
    }

    @Test
    void aBulkLoadOnOneTimestampIsDroppedAtOnce() {
        PublishedWindow w = new PublishedWindow();
        for (int i = 0; i < 200_000; i++) {
            w.add(7_000, "{\"id\":" + i + "}", "h");
        }
        w.add(20_000, "{\"id\":0}", "h");
        w.dropOutside(5_000);
        assertThat(w.size()).isEqualTo(1);
    }

    @Test
    void roundTripsThroughTheStoredForm() {
        PublishedWindow w = new PublishedWindow();
        w.add(2_000, "{\"id\":\"a|b\"}", "h");
        w.add(3_000, "{\"id\":9}", "h");
        WatermarkStore.TableWatermark stored = w.stored();
        assertThat(stored.watermarkUs()).isEqualTo(3_000);
        assertThat(stored.published()).isEqualTo(Set.of("2000|{\"id\":\"a|b\"}#h", "3000|{\"id\":9}#h"));
        PublishedWindow back = PublishedWindow.of(stored);
        assertThat(back.contains(2_000, "{\"id\":\"a|b\"}", "h")).isTrue();
        assertThat(back.watermarkUs()).isEqualTo(3_000);
        assertThat(back.size()).isEqualTo(2);
    }
}
