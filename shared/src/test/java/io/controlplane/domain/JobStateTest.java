package io.controlplane.domain;

import static io.controlplane.domain.JobSpecs.aJobSpec;
import static io.controlplane.domain.JobState.Assigned;
import static io.controlplane.domain.JobState.Cancelled;
import static io.controlplane.domain.JobState.Completed;
import static io.controlplane.domain.JobState.Failed;
import static io.controlplane.domain.JobState.Paused;
import static io.controlplane.domain.JobState.Pausing;
import static io.controlplane.domain.JobState.Preempting;
import static io.controlplane.domain.JobState.Queued;
import static io.controlplane.domain.JobState.Running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The transition table, pair by pair, against an expected table written out here independently. */
class JobStateTest {

    /** The original design's lifecycle plus our additions (Queued → Paused, stop requests that race a finish, ...). */
    private static final Map<JobState, Set<JobState>> LEGAL = new EnumMap<>(Map.of(
            Queued, EnumSet.of(Assigned, Cancelled, Paused),
            Assigned, EnumSet.of(Running, Queued, Failed, Cancelled, Preempting, Pausing),
            Running, EnumSet.of(Completed, Failed, Cancelled, Queued, Preempting, Pausing),
            Preempting, EnumSet.of(Queued, Completed, Failed, Cancelled),
            Pausing, EnumSet.of(Paused, Completed, Failed, Cancelled),
            Paused, EnumSet.of(Queued, Cancelled),
            Completed, EnumSet.noneOf(JobState.class),
            Failed, EnumSet.noneOf(JobState.class),
            Cancelled, EnumSet.noneOf(JobState.class)));

    private static final Instant CREATED = Instant.parse("2024-05-01T10:00:00Z");
    private static final Instant LATER = Instant.parse("2024-05-01T10:05:00Z");

    static Stream<Arguments> allPairs() {
        return Stream.of(JobState.values()).flatMap(from -> Stream.of(JobState.values())
                .map(to -> Arguments.of(from, to, LEGAL.get(from).contains(to))));
    }

    static Stream<Arguments> legalPairs() {
        return pairs(true);
    }

    static Stream<Arguments> illegalPairs() {
        return pairs(false);
    }

    private static Stream<Arguments> pairs(boolean legal) {
        return Stream.of(JobState.values()).flatMap(from -> Stream.of(JobState.values())
                .filter(to -> LEGAL.get(from).contains(to) == legal)
                .map(to -> Arguments.of(from, to)));
    }

    @ParameterizedTest(name = "{0} -> {1} allowed: {2}")
    @MethodSource("allPairs")
    void canTransitionToFollowsTheTable(JobState from, JobState to, boolean legal) {
        assertThat(from.canTransitionTo(to)).isEqualTo(legal);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("legalPairs")
    void legalTransitionReturnsTheChangedJobAndItsHistoryEntry(JobState from, JobState to) {
        Job job = jobIn(from);

        Job.Transition t = job.transition(to, LATER, "because", "user:alice");

        assertThat(t.job().state()).isEqualTo(to);
        assertThat(t.job().historySequence()).isEqualTo(job.historySequence() + 1);
        assertThat(t.job().updatedAt()).isEqualTo(LATER);
        assertThat(t.job())
                .usingRecursiveComparison()
                .ignoringFields("state", "historySequence", "updatedAt")
                .isEqualTo(job);
        assertThat(t.entry()).isEqualTo(new HistoryEntry("job-1", job.historySequence() + 1, LATER, from, to,
                "because", "user:alice"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("illegalPairs")
    void illegalTransitionThrows(JobState from, JobState to) {
        Job job = jobIn(from);

        assertThatThrownBy(() -> job.transition(to, LATER, "because", "user:alice"))
                .isInstanceOfSatisfying(IllegalTransitionException.class, e -> {
                    assertThat(e.from()).isEqualTo(from);
                    assertThat(e.to()).isEqualTo(to);
                    assertThat(e.getMessage()).contains("job-1", from.name(), to.name());
                });
    }

    @ParameterizedTest
    @EnumSource(JobState.class)
    void allowedNextIsTheRowOfTheTable(JobState state) {
        assertThat(state.allowedNext()).containsExactlyInAnyOrderElementsOf(LEGAL.get(state));
    }

    @ParameterizedTest
    @EnumSource(JobState.class)
    void onlyCompletedFailedAndCancelledAreTerminal(JobState state) {
        boolean terminal = state == Completed || state == Failed || state == Cancelled;

        assertThat(state.isTerminal()).isEqualTo(terminal);
        if (terminal) {
            assertThat(state.allowedNext()).isEmpty();
        }
    }

    @Test
    void theTableCannotBeChangedThroughAllowedNext() {
        assertThatThrownBy(() -> Running.allowedNext().add(Queued)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(Queued.canTransitionTo(Running)).isFalse();
    }

    @Test
    void aSubmittedJobIsQueuedWithTheFirstHistoryEntry() {
        Job.Transition t = Job.submitted("job-1", "tenant-a", aJobSpec().build(), CREATED, "user:alice");

        assertThat(t.job().state()).isEqualTo(Queued);
        assertThat(t.job().historySequence()).isEqualTo(1);
        assertThat(t.job().createdAt()).isEqualTo(CREATED);
        assertThat(t.job().etag()).isNull();
        assertThat(t.entry()).isEqualTo(new HistoryEntry("job-1", 1, CREATED, null, Queued, "submitted", "user:alice"));
    }

    @Test
    void parseAcceptsExactlyTheWireNames() {
        assertThat(JobState.parse("Running")).contains(Running);
        assertThat(JobState.parse("running")).isEmpty();
        assertThat(JobState.parse("Unknown")).isEmpty();
    }

    private static Job jobIn(JobState state) {
        return new Job("job-1", "tenant-a", aJobSpec().build(), state, "agent-7", 2, 1, 5, Progress.none(),
                CREATED, CREATED, 4, "W/\"etag-1\"");
    }
}
