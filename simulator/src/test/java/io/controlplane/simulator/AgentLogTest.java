package io.controlplane.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.simulator.AgentLog.EventType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentLogTest {

    private final AgentLog log = new AgentLog("sim-1",
            Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC));

    @Test
    void an_event_prints_as_one_key_value_line_quoting_what_needs_it() {
        List<String> lines = new ArrayList<>();
        log.addListener(event -> lines.add(event.toLine()));

        log.event(EventType.ERROR, AgentLog.fields("operation", "lease", "message", "HTTP 503 \"busy\"\nagain",
                "absent", null, "empty", ""));

        assertThat(lines).containsExactly("at=2030-01-01T00:00:00Z agent=sim-1 event=error operation=lease "
                + "message=\"HTTP 503 \\\"busy\\\" again\" empty=\"\"");
    }

    @Test
    void typed_views_follow_the_events() {
        Lease lease = new Lease("L1", "J1", 3, null, null, null, null, false);
        log.leaseReceived(lease, 0);
        log.refused(lease, "progress", new LeaseLostException(409, "urn:controlplane:problem:lease-lost", null, null, ""));
        log.completed(lease);

        assertThat(log.leases()).extracting(AgentLog.LeaseGrant::epoch).containsExactly(3L);
        assertThat(log.refusedWrites()).singleElement().satisfies(r -> assertThat(r.leaseLost()).isTrue());
        assertThat(log.completedJobs()).containsExactly("J1");
        assertThat(log.events()).extracting(AgentLog.Event::type)
                .containsExactly(EventType.LEASE, EventType.REFUSED, EventType.COMPLETED);
    }

    @Test
    void await_until_returns_when_the_condition_holds_or_times_out() throws Exception {
        Lease lease = new Lease("L1", "J1", 1, null, null, null, null, false);
        Thread writer = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            log.completed(lease);
        });
        writer.start();

        assertThat(log.awaitUntil(l -> l.completedJobs().size() == 1, Duration.ofSeconds(5))).isTrue();
        assertThat(log.awaitUntil(l -> l.completedJobs().size() == 2, Duration.ofMillis(50))).isFalse();
        writer.join();
    }
}
