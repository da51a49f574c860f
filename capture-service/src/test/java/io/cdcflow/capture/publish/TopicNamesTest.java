package io.cdcflow.capture.publish;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopicNamesTest {

    @Test
    void plainNamesAreKeptAndOtherCharactersBecomeUnderscoresAsInDebezium() {
        assertThat(TopicNames.of("shop", "public", "Customers")).isEqualTo("shop.public.Customers");
        assertThat(TopicNames.of("shop", "public", "a$b")).isEqualTo("shop.public.a_b");
        assertThat(TopicNames.of("shop", "public", "x\"; drop table y; --")).isEqualTo("shop.public.x___drop_table_y__--");
        assertThat(TopicNames.of("shop", "public", "ünï`q")).isEqualTo("shop.public._n__q");
    }

    @Test
    void tablesThatWouldShareATopicAreAStartupErrorNamingTheProperty() {
        assertThatThrownBy(() -> TopicNames.requireDistinct("cdc.capture.sources.shop.tables", "shop",
                List.of("public.orders", "public.a b", "public.a_b")))
                .hasMessageContaining("cdc.capture.sources.shop.tables")
                .hasMessageContaining("'public.a b' and 'public.a_b'")
                .hasMessageContaining("shop.public.a_b");
        assertThatThrownBy(() -> TopicNames.requireDistinct("p", "shop", List.of("public.a$b", "public.a_b")))
                .hasMessageContaining("shop.public.a_b");
    }

    @Test
    void distinctTopicsPassAndCaseIsKept() {
        assertThatCode(() -> TopicNames.requireDistinct("p", "shop",
                List.of("public.orders", "public.Orders", "public.customers", "public.orders")))
                .doesNotThrowAnyException();
    }
}
