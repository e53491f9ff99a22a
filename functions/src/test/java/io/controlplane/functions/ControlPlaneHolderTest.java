package io.controlplane.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

import io.controlplane.ControlPlane;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ControlPlaneHolderTest {

    @Test
    void buildsNothingUntilAskedThenOneInstanceForConcurrentCallers() throws Exception {
        AtomicInteger builds = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ControlPlaneHolder holder = new ControlPlaneHolder(() -> {
            builds.incrementAndGet();
            return mock(ControlPlane.class);
        });
        assertThat(builds).hasValue(0);

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<ControlPlane>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return holder.get();
                }));
            }
            start.countDown();
            ControlPlane first = results.get(0).get();
            for (Future<ControlPlane> result : results) {
                assertThat(result.get()).isSameAs(first);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(builds).hasValue(1);
    }

    @Test
    void aFailedBuildIsRetriedByTheNextCaller() {
        AtomicInteger builds = new AtomicInteger();
        ControlPlane built = mock(ControlPlane.class);
        ControlPlaneHolder holder = new ControlPlaneHolder(() -> {
            if (builds.incrementAndGet() == 1) {
                throw new IllegalStateException("storage unreachable");
            }
            return built;
        });

        assertThatThrownBy(holder::get).hasMessage("storage unreachable");
        assertThat(holder.get()).isSameAs(built);
        assertThat(holder.get()).isSameAs(built);
        assertThat(builds).hasValue(2);
    }
}
