package io.controlplane.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.app.JobEvents.Delivered;
import io.controlplane.app.JobEvents.Scope;
import io.controlplane.app.JobEvents.Subscription;
import io.controlplane.domain.HistoryEntry;
import io.controlplane.domain.JobEvent;
import io.controlplane.domain.JobState;
import io.controlplane.domain.Progress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The instance's job events: numbering, scopes, replay after an id, resets, bounded buffers and watchers. */
class JobEventsTest {

    private static final Instant AT = Instant.parse("2026-12-02T10:00:00Z");
    private JobEvents events = new JobEvents(100, 50);

    @AfterEach
    void close() {
        events.close();
    }

    private static JobEvent progress(String tenant, String job, double percent) {
        return JobEvent.reported(tenant, job, new Progress(percent, Map.of(), null, AT));
    }

    private static List<String> jobsAndPercents(List<Delivered> delivered) {
        return delivered.stream().map(d -> d.isReset() ? "reset:" + d.reset()
                : d.event().jobId() + "@" + (int) d.event().progress().percent()).toList();
    }

    @Test
    void aWatcherGetsItsTenantsEventsInOrderAndNoOtherTenants() {
        Subscription a = events.subscribe(Scope.tenant("a"), null, () -> { });
        Subscription job = events.subscribe(Scope.job("a", "j2"), null, () -> { });
        Subscription all = events.subscribe(Scope.everyTenant(), null, () -> { });
        events.publish(progress("a", "j1", 1));
        events.publish(progress("b", "j9", 2));
        events.publish(progress("a", "j2", 3));
        events.publish(progress("a", "j1", 4));

        assertThat(jobsAndPercents(a.take())).containsExactly("j1@1", "j2@3", "j1@4");
        assertThat(jobsAndPercents(job.take())).containsExactly("j2@3");
        List<Delivered> every = all.take();
        assertThat(jobsAndPercents(every)).containsExactly("j1@1", "j9@2", "j2@3", "j1@4");
        assertThat(every).extracting(Delivered::sequence).isSorted().doesNotHaveDuplicates();
        assertThat(every.get(0).id()).isLessThan(every.get(3).id()); // ids sort as they were given
    }

    @Test
    void comingBackWithTheLastIdSeenReplaysEverythingAfterItThenGoesLive() {
        events.publish(progress("a", "j1", 1));
        events.publish(progress("a", "j1", 2));
        String seen = events.latestId();
        events.publish(progress("a", "j1", 3));
        events.publish(progress("b", "j9", 9));
        events.publish(progress("a", "j2", 4));

        Subscription back = events.subscribe(Scope.tenant("a"), seen, () -> { });
        events.publish(progress("a", "j1", 5));

        assertThat(jobsAndPercents(back.take())).containsExactly("j1@3", "j2@4", "j1@5");
    }

    @Test
    void anIdThisInstanceCannotResumeFromGivesAResetWithAnIdToResumeFromNext() {
        events.publish(progress("a", "j1", 1));
        for (String bad : List.of("someotherboot-000000000001", "garbage", events.latestId().replace("000001", "999999"))) {
            Subscription s = events.subscribe(Scope.tenant("a"), bad, () -> { });
            List<Delivered> got = s.take();
            assertThat(got).as(bad).hasSize(1);
            assertThat(got.get(0).reset()).isEqualTo("unknown-event-id");
            assertThat(got.get(0).id()).isEqualTo(events.latestId());
            s.close();
        }
    }

    @Test
    void eventsDroppedFromTheBoundedBufferGiveAResetRatherThanAGap() {
        events.publish(progress("a", "j1", 0));
        String early = events.latestId();
        for (int i = 1; i <= 150; i++) { // the buffer keeps 100
            events.publish(progress("a", "j1", i));
        }
        Subscription s = events.subscribe(Scope.tenant("a"), early, () -> { });
        assertThat(jobsAndPercents(s.take())).containsExactly("reset:events-dropped");

        String recent = events.latestId();
        events.publish(progress("a", "j1", 151));
        Subscription fine = events.subscribe(Scope.tenant("a"), recent, () -> { });
        assertThat(jobsAndPercents(fine.take())).containsExactly("j1@151");
    }

    @Test
    void aWatcherThatFallsTooFarBehindIsClosedAndTold() throws Exception {
        CountDownLatch told = new CountDownLatch(2);
        Subscription slow = events.subscribe(Scope.tenant("a"), null, told::countDown);
        for (int i = 0; i < 51; i++) { // the backlog is 50
            events.publish(progress("a", "j1", i));
        }
        assertThat(told.await(5, TimeUnit.SECONDS)).isTrue(); // once on the first event, once when closed
        assertThat(slow.isClosed()).isTrue();
        assertThat(slow.closedBecause()).isEqualTo("too-slow");
        assertThat(slow.take()).isEmpty();
    }

    @Test
    void callbacksRunWhenTheQueueGainsEventsAndNeverOnThePublishersThread() throws Exception {
        List<String> threads = new ArrayList<>();
        CountDownLatch ran = new CountDownLatch(1);
        events.subscribe(Scope.tenant("a"), null, () -> {
            synchronized (threads) {
                threads.add(Thread.currentThread().getName());
            }
            ran.countDown();
        });
        events.publish(progress("a", "j1", 1));
        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(threads).allSatisfy(name -> assertThat(name).isNotEqualTo(Thread.currentThread().getName()));
    }

    @Test
    void anErasedJobsOrTenantsEventsAreNotReplayed() {
        String start = events.latestId();
        events.publish(progress("a", "j1", 1));
        events.publish(progress("a", "j2", 2));
        events.publish(progress("b", "j9", 3));
        events.forgetJob("a", "j1");
        events.forgetTenant("b");

        assertThat(jobsAndPercents(events.subscribe(Scope.everyTenant(), start, () -> { }).take())).containsExactly("j2@2");
    }

    @Test
    void aStateChangeIntoPreemptingIsAPreemption() {
        HistoryEntry preempted = new HistoryEntry("j1", 4, AT, JobState.Running, JobState.Preempting, "preempted for j2", "control-plane");
        HistoryEntry queued = new HistoryEntry("j1", 5, AT, JobState.Preempting, JobState.Queued, "released", "agent");
        assertThat(JobEvent.changed("a", preempted).type()).isEqualTo(JobEvent.Type.preemption);
        assertThat(JobEvent.changed("a", queued).type()).isEqualTo(JobEvent.Type.state);
    }

    @Test
    void stoppingClosesEveryWatcherAndRefusesNewOnes() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Subscription s = events.subscribe(Scope.tenant("a"), null, calls::incrementAndGet);
        events.stop();
        Subscription late = events.subscribe(Scope.tenant("a"), null, calls::incrementAndGet);
        for (int i = 0; i < 100 && calls.get() < 2; i++) {
            Thread.sleep(10);
        }
        assertThat(calls.get()).isEqualTo(2);
        assertThat(s.closedBecause()).isEqualTo("stopping");
        assertThat(late.isClosed()).isTrue();
        assertThat(events.watchers()).isEqualTo(1); // the closed one is removed by its owner
        s.close();
        assertThat(events.watchers()).isZero();
    }
}
