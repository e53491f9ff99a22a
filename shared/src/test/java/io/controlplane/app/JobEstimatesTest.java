package io.controlplane.app;

import static io.controlplane.domain.JobSpecs.aJobSpec;
import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.domain.Eta;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobState;
import io.controlplane.scheduling.WaitReasons;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JobEstimatesTest {

    private final DispatchFixture f = new DispatchFixture();
    private final Caller agent1 = DispatchFixture.agentIdentity("agent-1");
    private final JobEstimates estimates = new JobEstimates(f.app.dispatcher());

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void aRunningJobIsExpectedToFinishAtTheRateOfItsReports() {
        Job job = f.submit("contoso", aJobSpec().build());
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        LeaseGrant grant = f.lease("agent-1").orElseThrow();
        Instant lastReport = null;
        for (int i = 0; i <= 8; i++) { // 1 % every 30 s: 2 % a minute
            lastReport = f.clock.instant();
            f.app.reportProgress().report(agent1, grant.leaseId(), i, Map.of("workItems", 10L * i), "migrating");
            if (i == 1) {
                assertThat(estimates.eta(f.app.jobQueries().get(DispatchFixture.client("contoso"), job.id()), null))
                        .as("too little progress yet").isEmpty();
            }
            f.clock.advance(Duration.ofSeconds(30));
            f.app.heartbeat().beat(agent1, "agent-1", List.of(grant.leaseId()));
        }

        Job shown = f.app.jobQueries().get(DispatchFixture.client("contoso"), job.id());
        Eta eta = estimates.eta(shown, null).orElseThrow();

        assertThat(shown.state()).isEqualTo(JobState.Running);
        assertThat(shown.progress().history().samples()).hasSize(9);
        assertThat(eta.basis()).isEqualTo(Eta.PROGRESS_RATE);
        assertThat(eta.at()).isEqualTo(lastReport.plus(Duration.ofMinutes(46))); // 92 % left at 2 % a minute
        assertThat(eta.low()).isBefore(eta.at());
        assertThat(eta.high()).isAfter(eta.at());
    }

    @Test
    void aQueuedJobIsExpectedToStartFromItsPlaceInTheQueueAndTheRegionsStartRate() {
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        List<Job> jobs = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            jobs.add(f.submit("contoso", aJobSpec().build()));
            f.clock.advance(Duration.ofMillis(10));
        }
        Job last = jobs.get(4);
        assertThat(estimates.eta(last, f.app.dispatcher().whyWaiting(last).orElseThrow()))
                .as("no start rate known yet").isEmpty();

        for (int i = 0; i < 3; i++) { // a job started every 30 s: 2 a minute
            LeaseGrant grant = f.lease("agent-1").orElseThrow();
            f.clock.advance(Duration.ofSeconds(30));
            f.app.finishJob().complete(agent1, grant.leaseId());
        }

        Job queued = f.job(last);
        WaitReasons.Waiting waiting = f.app.dispatcher().whyWaiting(queued).orElseThrow();
        Eta eta = estimates.eta(queued, waiting).orElseThrow();

        assertThat(waiting.jobsAhead()).isEqualTo(1);
        assertThat(eta.basis()).isEqualTo(Eta.QUEUE_POSITION);
        Instant now = f.clock.instant();
        // The second start from now at about 2 a minute: about a minute.
        assertThat(Duration.between(now, eta.at())).isBetween(Duration.ofSeconds(50), Duration.ofSeconds(70));
        assertThat(eta.low()).isBeforeOrEqualTo(eta.at()).isAfterOrEqualTo(now);
        assertThat(eta.high()).isAfter(eta.at());
        assertThat(estimates.eta(queued, null)).as("without its place in the queue, no estimate").isEmpty();
    }
}
