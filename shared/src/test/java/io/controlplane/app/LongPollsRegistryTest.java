package io.controlplane.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A woken poll has left the registry by the time anything that waits on it runs. */
class LongPollsRegistryTest {

    @Test
    void whatRunsOnTheWakeUpNoLongerFindsThePollParked() {
        try (LongPolls polls = new LongPolls(1)) {
            LongPolls.Parked parked = polls.park("westeurope", "agent-1", new Object(), Duration.ofMinutes(1));
            AtomicInteger parkedAtWakeUp = new AtomicInteger(-1);
            parked.woken().thenRun(() -> parkedAtWakeUp.set(polls.size()));

            assertThat(parked.complete(LongPolls.Wake.SIGNALLED)).isTrue();

            assertThat(parkedAtWakeUp.get()).as("polls parked when the wake-up ran").isZero();
            assertThat(parked.complete(LongPolls.Wake.TIMED_OUT)).as("a second wake-up").isFalse();
        }
    }
}
