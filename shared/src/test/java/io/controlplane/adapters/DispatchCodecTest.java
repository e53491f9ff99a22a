package io.controlplane.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.api.Json;
import io.controlplane.domain.Tier;
import io.controlplane.ports.DispatchEvent;
import io.controlplane.ports.OfferNote;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DispatchCodecTest {

    private final DispatchCodec codec = new DispatchCodec(Json.mapper());

    @Test
    void everyEventComesBackAsItWasWithItsKindNamed() throws Exception {
        Instant at = Instant.parse("2026-12-02T03:04:05.678Z");
        List<DispatchEvent> events = List.of(new DispatchEvent.Asks("westeurope", "a1", "W/\"x\"", "instance-1", at),
                new DispatchEvent.Ready("westeurope", Tier.Platinum, "t1", "j1", 4),
                new DispatchEvent.AgentChanged("westeurope", "a1", null), new DispatchEvent.Tick("westeurope", at),
                new DispatchEvent.Throttled("westeurope", "dev.azure.com:contoso", at));
        for (DispatchEvent event : events) {
            byte[] body = codec.encode(event);
            assertThat(codec.decodeEvent(body)).isEqualTo(event);
        }
        assertThat(new String(codec.encode(events.get(1)), StandardCharsets.UTF_8)).contains("\"type\":\"ready\"");
    }

    @Test
    void anOfferComesBackAsItWas() throws Exception {
        OfferNote offer = new OfferNote("westeurope", "a1", "t1", "j1", "lease-1", 2, Instant.parse("2026-12-02T03:04:05Z"));
        assertThat(codec.decodeOffer(codec.encode(offer))).isEqualTo(offer);
    }

    @Test
    void aBodyThatIsNoEventIsMalformedAndNotQuoted() {
        for (String body : new String[] {"not json secret", "{\"type\":\"nope\"}", "{\"type\":\"asks\",\"region\":\"r\"}", "null"}) {
            assertThatThrownBy(() -> codec.decodeEvent(body.getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(IntakeMessageCodec.MalformedIntakeMessageException.class)
                    .hasMessageNotContaining("secret");
        }
    }
}
