package io.controlplane.adapters.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.domain.Tier;
import io.controlplane.ports.IntakeMessage;
import io.controlplane.ports.IntakeQueue;
import io.controlplane.ports.IntakeQueueContractTest;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryIntakeQueueTest extends IntakeQueueContractTest {

    @Override
    protected IntakeQueue newQueue() {
        return new InMemoryIntakeQueue(MAX_DELIVERIES);
    }

    @Override
    protected List<IntakeMessage> movedAside(IntakeQueue queue) {
        return ((InMemoryIntakeQueue) queue).movedAside();
    }

    @Test
    void itRemembersWhatWasPublishedAndWhatWaits() {
        InMemoryIntakeQueue queue = new InMemoryIntakeQueue();
        IntakeMessage standard = message(Tier.Standard);
        IntakeMessage platinum = message(Tier.Platinum);

        queue.publish(standard);
        queue.publish(platinum);

        assertThat(queue.published()).containsExactly(standard, platinum);
        assertThat(queue.waiting()).containsExactly(platinum, standard);
    }

    @Test
    void maxDeliveriesMustAllowOneDelivery() {
        assertThatThrownBy(() -> new InMemoryIntakeQueue(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
