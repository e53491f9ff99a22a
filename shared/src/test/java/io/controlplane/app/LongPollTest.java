package io.controlplane.app;

import static io.controlplane.domain.JobSpecs.aJobSpec;
import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.domain.Tier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Long polls park without a thread ({@link LongPolls}): woken by a signal of their region, ended
 * empty by their deadline or the host's stop, and removed from the registry whichever way they end.
 */
class LongPollTest {

    private final DispatchFixture f = new DispatchFixture(Map.of("DISPATCH_POLL_MS", "30000"));

    @AfterEach
    void close() {
        f.close();
    }

    private CompletableFuture<Optional<LeaseGrant>> poll(String agentId, int waitSeconds) {
        return f.app.leaseWork().leaseAsync(DispatchFixture.agentIdentity(agentId), agentId, waitSeconds);
    }

    @Test
    void aThousandParkedPollsHoldNoThreadAndASubmissionLeasesToExactlyOne() throws Exception {
        List<CompletableFuture<Optional<LeaseGrant>>> polls = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            f.register("agent-" + i, "westeurope", "shared", 1, "azure-devops");
        }
        int threadsBefore = Thread.activeCount();
        for (int i = 0; i < 1000; i++) {
            polls.add(poll("agent-" + i, 25));
        }

        assertThat(polls).noneMatch(CompletableFuture::isDone);
        assertThat(f.app.longPolls().size()).isEqualTo(1000);
        // The registry's timer and a few claim threads at most, not one thread per poll.
        assertThat(Thread.activeCount() - threadsBefore).isLessThan(20);

        f.submit("contoso", aJobSpec().withTier(Tier.Premium).build());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (polls.stream().noneMatch(CompletableFuture::isDone) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(300); // let every woken poll claim (and lose) and park again
        assertThat(polls.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join)
                .filter(Optional::isPresent)).hasSize(1);
        assertThat(polls.stream().filter(CompletableFuture::isDone)).hasSize(1);
        assertThat(f.app.longPolls().size()).isEqualTo(999);

        long stopAt = System.nanoTime();
        f.app.longPolls().stop();
        CompletableFuture.allOf(polls.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - stopAt)).isLessThan(Duration.ofSeconds(2));
        assertThat(polls.stream().map(CompletableFuture::join).filter(Optional::isPresent)).hasSize(1);
        assertThat(f.app.longPolls().size()).isZero();
        // Once stopping, a new poll is answered at once, empty.
        f.register("late", "westeurope", "shared", 1, "azure-devops");
        assertThat(poll("late", 25).get(1, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void aSubmissionWakesOnlyPollsWhoseAgentMayTakeIt() throws Exception {
        for (int i = 0; i < 100; i++) {
            f.register("git-" + i, "westeurope", "shared", 1, "git");
        }
        f.register("ado", "westeurope", "shared", 1, "azure-devops");
        List<CompletableFuture<Optional<LeaseGrant>>> gitPolls = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            gitPolls.add(poll("git-" + i, 25));
        }
        CompletableFuture<Optional<LeaseGrant>> ado = poll("ado", 25);
        List<LongPolls.Parked> before = f.app.longPolls().parked("westeurope");
        assertThat(before).hasSize(101);

        f.submit("contoso", aJobSpec().withTier(Tier.Standard).build()); // needs azure-devops

        assertThat(ado.get(5, TimeUnit.SECONDS)).isPresent();
        Thread.sleep(200);
        // The git agents' polls were never woken: the very same parked entries, none claimed again.
        assertThat(f.app.longPolls().parked("westeurope")).containsExactlyElementsOf(
                before.stream().filter(p -> !p.agentId().equals("ado")).toList());
        assertThat(gitPolls).noneMatch(CompletableFuture::isDone);
    }

    @Test
    void aPollEndsEmptyAtItsDeadlineAndLeavesTheRegistry() throws Exception {
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        long started = System.nanoTime();

        Optional<LeaseGrant> grant = poll("agent-1", 1).get(5, TimeUnit.SECONDS);

        assertThat(grant).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(3));
        assertThat(f.app.longPolls().size()).isZero();
    }

    @Test
    void anInterruptedBlockingLeaseUnparksItsPoll() throws Exception {
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        Thread waiter = new Thread(() -> {
            try {
                f.app.leaseWork().lease(DispatchFixture.agentIdentity("agent-1"), "agent-1", 25);
            } catch (InterruptedException expected) {
                // the point of the test
            }
        });
        waiter.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (f.app.longPolls().size() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(f.app.longPolls().size()).isEqualTo(1);

        waiter.interrupt();
        waiter.join(2000);

        assertThat(waiter.isAlive()).isFalse();
        assertThat(f.app.longPolls().size()).isZero();
    }

    @Test
    void theRegionRecheckFindsWorkSubmittedToAnotherInstance() throws Exception {
        UseCases.Stores shared = DispatchOnMemoryTest.memory();
        DispatchFixture here = new DispatchFixture(shared, Map.of("DISPATCH_POLL_MS", "200"));
        DispatchFixture other = new DispatchFixture(shared, Map.of());
        try {
            here.register("agent-1", "westeurope", "shared", 1, "azure-devops");
            CompletableFuture<Optional<LeaseGrant>> poll =
                    here.app.leaseWork().leaseAsync(DispatchFixture.agentIdentity("agent-1"), "agent-1", 10);
            Thread.sleep(100);
            assertThat(poll).isNotDone();

            // The other instance's signal is its own: only this instance's re-check can find the job.
            other.submit("contoso", aJobSpec().build());

            assertThat(poll.get(5, TimeUnit.SECONDS)).isPresent();
        } finally {
            here.close();
            other.close();
        }
    }
}
