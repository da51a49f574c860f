package io.cdcflow.capture.timestamp;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The overlap window's bookkeeping: membership, the watermark, dropping what fell out, and the stored form. */
class PublishedWindowTest {

    @Test
    void remembersRowsInTheWindowAndForgetsOlderOnes() {
        PublishedWindow w = new PublishedWindow();
        w.add(1_000, "{\"id\":1}");
        w.add(1_000, "{\"id\":2}");
        w.add(5_000, "{\"id\":1}");
        w.add(5_000, "{\"id\":1}"); // once only
        assertThat(w.watermarkUs()).isEqualTo(5_000);
        assertThat(w.size()).isEqualTo(3);
        assertThat(w.contains(1_000, "{\"id\":2}")).isTrue();
        assertThat(w.contains(5_000, "{\"id\":2}")).isFalse();

        w.dropOutside(4_000); // keeps timestamps >= 1_000
        assertThat(w.size()).isEqualTo(3);
        w.dropOutside(3_999); // keeps >= 1_001
        assertThat(w.size()).isEqualTo(1);
        assertThat(w.contains(1_000, "{\"id\":1}")).isFalse();
        assertThat(w.contains(5_000, "{\"id\":1}")).isTrue();
    }

    @Test
    void aBulkLoadOnOneTimestampIsDroppedAtOnce() {
        PublishedWindow w = new PublishedWindow();
        for (int i = 0; i < 200_000; i++) {
            w.add(7_000, "{\"id\":" + i + "}");
        }
        w.add(20_000, "{\"id\":0}");
        w.dropOutside(5_000);
        assertThat(w.size()).isEqualTo(1);
    }

    @Test
    void roundTripsThroughTheStoredForm() {
        PublishedWindow w = new PublishedWindow();
        w.add(2_000, "{\"id\":\"a|b\"}");
        w.add(3_000, "{\"id\":9}");
        WatermarkStore.TableWatermark stored = w.stored();
        assertThat(stored.watermarkUs()).isEqualTo(3_000);
        assertThat(stored.published()).isEqualTo(Set.of("2000|{\"id\":\"a|b\"}", "3000|{\"id\":9}"));
        PublishedWindow back = PublishedWindow.of(stored);
        assertThat(back.contains(2_000, "{\"id\":\"a|b\"}")).isTrue();
        assertThat(back.watermarkUs()).isEqualTo(3_000);
        assertThat(back.size()).isEqualTo(2);
    }
}
