package io.cdcflow.console.pipeline;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PromTextTest {

    @Test
    void readsNamesLabelsAndValues() {
        List<PromText.Sample> s = PromText.parse("""
                # HELP cdc_sink_applied_total x
                # TYPE cdc_sink_applied_total counter
                cdc_sink_applied_total{sink="warehouse-sink",table="inventory.public.products"} 1234.0
                cdc_sink_lag_seconds_bucket{sink="cache-sink",table="a.b.c",le="+Inf"} 7.0
                jvm_threads_live_threads 31.0
                odd{label="with \\"quote\\", and comma"} 1.5
                """);
        assertThat(s).hasSize(4);
        assertThat(s.get(0).name()).isEqualTo("cdc_sink_applied_total");
        assertThat(s.get(0).label("table")).isEqualTo("inventory.public.products");
        assertThat(s.get(0).value()).isEqualTo(1234.0);
        assertThat(s.get(1).label("le")).isEqualTo("+Inf");
        assertThat(s.get(2).labels()).isEmpty();
        assertThat(s.get(3).label("label")).isEqualTo("with \"quote\", and comma");
    }
}
