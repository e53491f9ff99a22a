package io.controlplane.standalone.crash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.domain.Checkpoint;
import io.controlplane.domain.HistoryEntry;
import io.controlplane.domain.IdMapping;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobState;
import io.controlplane.domain.Page;
import io.controlplane.ports.JobStore;
import io.controlplane.ports.MappingStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the crash suite asserts, read from storage (jobs, history, checkpoints, mappings) and checked
 * against what the agents were told (their event logs): every job ended once, as expected; no lease
 * was ever granted while another was live; no acknowledged checkpoint or mapping is missing.
 * Everything found wrong is collected, so one run reports all of it.
 */
final class StoredOutcome {

    /** What a submitted job must end as: its state, work items and mapping scope. */
    record Expected(String jobId, JobState state, int workItems, String mappingScope) {
    }

    /** The figures of one run. */
    static final class Counts {
        int jobs;
        int completed;
        int failed;
        int leases;
        int leaseExpiries;
        int preemptions;
        int releases;
        int retries;
        int grantsNeverReceived;
        int resumes;
        int doubleLeases;
        int lostCheckpoints;
        int lostMappings;
        int mappingsChecked;
        int checkpointsChecked;
    }

    static final String WORK_ITEM = "WorkItem";
    static final int TARGET_OFFSET = 100_000;
    private static final Pattern LEASED = Pattern.compile("^leased to (\\S+) \\(epoch (\\d+)\\)$");

    private final JobStore jobs;
    private final MappingStore mappings;
    private final String tenant;
    private final ObjectMapper json;
    private final Counts counts = new Counts();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());

    StoredOutcome(JobStore jobs, MappingStore mappings, String tenant, ObjectMapper json) {
        this.jobs = jobs;
        this.mappings = mappings;
        this.tenant = tenant;
        this.json = json;
    }

    Counts counts() {
        return counts;
    }

    List<String> violations() {
        return List.copyOf(violations);
    }

    /** Checks every expected job against storage and {@code agentEvents} (every agent process's events). */
    void check(Collection<Expected> expected, List<AgentEvents.Event> agentEvents) throws Exception {
        Map<String, List<AgentEvents.Event>> byJob = new HashMap<>();
        for (AgentEvents.Event e : agentEvents) {
            if (e.jobId() != null) {
                byJob.computeIfAbsent(e.jobId(), k -> new ArrayList<>()).add(e);
            }
        }
        counts.jobs = expected.size();
        ExecutorService readers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Expected job : expected) {
                done.add(readers.submit(() -> {
                    checkJob(job, byJob.getOrDefault(job.jobId(), List.of()));
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            readers.shutdownNow();
        }
    }

    private void checkJob(Expected expected, List<AgentEvents.Event> events) {
        String id = expected.jobId();
        Optional<Job> found = jobs.find(tenant, id);
        if (found.isEmpty()) {
            violation(id, "job is missing from storage");
            return;
        }
        Job job = found.get();
        if (job.state() != expected.state()) {
            violation(id, "ended " + job.state() + ", expected " + expected.state());
        }
        synchronized (counts) {
            if (job.state() == JobState.Completed) {
                counts.completed++;
            } else if (job.state() == JobState.Failed) {
                counts.failed++;
            }
        }
        Map<Long, String> grantedTo = checkHistory(job, jobs.history(tenant, id));
        checkLeasesAgainstHistory(id, grantedTo, events);
        checkOutcomeAcknowledgements(job, events);
        checkCheckpoint(job, expected, grantedTo, events);
        checkResumes(id, events);
        checkMappings(job, expected, events);
    }

    /**
     * Each lease that follows an acknowledged checkpoint of an earlier lease resumes from it (or
     * later): a checkpoint once acknowledged is committed, and an earlier lease can write nothing
     * after a later one is granted, so the next agent must be given at least that much.
     */
    private void checkResumes(String id, List<AgentEvents.Event> events) {
        for (AgentEvents.Event lease : events) {
            if (!lease.type().equals("lease")) {
                continue;
            }
            int before = events.stream()
                    .filter(e -> e.type().equals("checkpoint") && e.epoch() < lease.epoch())
                    .mapToInt(e -> e.intField("percent")).max().orElse(-1);
            if (before < 0) {
                continue;
            }
            count(c -> c.resumes++);
            if (!"true".equals(lease.get("resumed")) || lease.intField("startPercent") < before) {
                lost(id, "epoch " + lease.epoch() + " started at " + lease.get("startPercent") + "% (resumed="
                        + lease.get("resumed") + ") though an earlier lease's checkpoint at " + before + "% was acknowledged");
            }
        }
    }

    /**
     * One terminal entry, last; a chained history (each entry starts where the last ended); every
     * Assigned follows a Queued (no lease granted while another was live) with the next epoch.
     *
     * @return the agent each epoch was granted to
     */
    private Map<Long, String> checkHistory(Job job, List<HistoryEntry> history) {
        String id = job.id();
        Map<Long, String> grantedTo = new HashMap<>();
        if (history.isEmpty() || history.get(0).from() != null || history.get(0).to() != JobState.Queued) {
            violation(id, "history does not start with the submission: " + summary(history));
            return grantedTo;
        }
        int terminal = 0;
        long epoch = 0;
        for (int i = 1; i < history.size(); i++) {
            HistoryEntry previous = history.get(i - 1);
            HistoryEntry entry = history.get(i);
            if (entry.from() != previous.to()) {
                violation(id, "history entry " + entry.sequence() + " starts from " + entry.from() + " but the job was "
                        + previous.to());
            }
            if (previous.to().isTerminal()) {
                violation(id, "history goes on after " + previous.to() + ": " + summary(history));
            }
            if (entry.to().isTerminal()) {
                terminal++;
            }
            if (entry.to() == JobState.Assigned) {
                count(c -> c.leases++);
                if (previous.to() != JobState.Queued) {
                    count(c -> c.doubleLeases++);
                    violation(id, "leased while " + previous.to() + " (double lease): " + summary(history));
                }
                Matcher m = LEASED.matcher(entry.reason() == null ? "" : entry.reason());
                if (!m.matches()) {
                    violation(id, "Assigned entry without agent and epoch: " + entry.reason());
                    continue;
                }
                long granted = Long.parseLong(m.group(2));
                if (granted != epoch + 1) {
                    count(c -> c.doubleLeases++);
                    violation(id, "epoch " + granted + " granted after epoch " + epoch + ": " + summary(history));
                }
                epoch = granted;
                grantedTo.put(granted, m.group(1));
            }
            if (entry.to() == JobState.Queued) {
                String reason = entry.reason() == null ? "" : entry.reason();
                if (reason.startsWith("lease expired")) {
                    count(c -> c.leaseExpiries++);
                } else if (reason.startsWith("preempted")) {
                    count(c -> c.preemptions++);
                } else if (reason.startsWith("released")) {
                    count(c -> c.releases++);
                } else if (reason.startsWith("failed, retry")) {
                    count(c -> c.retries++);
                }
            }
        }
        if (terminal != 1) {
            violation(id, terminal + " terminal entries in its history: " + summary(history));
        }
        if (job.epoch() != epoch) {
            violation(id, "job row says epoch " + job.epoch() + ", its history " + epoch);
        }
        return grantedTo;
    }

    /** Each lease an agent received is the history's grant of that epoch to that agent, and only one agent got it. */
    private void checkLeasesAgainstHistory(String id, Map<Long, String> grantedTo, List<AgentEvents.Event> events) {
        Map<Long, String> received = new HashMap<>();
        for (AgentEvents.Event e : events) {
            if (!e.type().equals("lease")) {
                continue;
            }
            long epoch = e.epoch();
            String agent = e.get("agent");
            String before = received.put(epoch, agent);
            if (before != null) {
                count(c -> c.doubleLeases++);
                violation(id, "epoch " + epoch + " received by " + before + " and " + agent);
            }
            if (!agent.equals(grantedTo.get(epoch))) {
                count(c -> c.doubleLeases++);
                violation(id, agent + " received epoch " + epoch + " which the history grants to " + grantedTo.get(epoch));
            }
        }
        long unseen = grantedTo.keySet().stream().filter(epoch -> !received.containsKey(epoch)).count();
        count(c -> c.grantsNeverReceived += (int) unseen);
    }

    /** A completion or failure an agent got 200 for is what storage shows, and only one agent got it. */
    private void checkOutcomeAcknowledgements(Job job, List<AgentEvents.Event> events) {
        List<AgentEvents.Event> completions = events.stream().filter(e -> e.type().equals("completed")).toList();
        if (completions.size() > 1) {
            violation(job.id(), "completed " + completions.size() + " times: " + completions);
        }
        if (!completions.isEmpty() && job.state() != JobState.Completed) {
            violation(job.id(), "an agent's completion was acknowledged but the job is " + job.state());
        }
        boolean finalFailure = events.stream().anyMatch(e -> e.type().equals("failed") && "false".equals(e.get("retryable")));
        if (finalFailure && job.state() != JobState.Failed) {
            violation(job.id(), "an agent's final failure was acknowledged but the job is " + job.state());
        }
    }

    /**
     * The stored checkpoint is at least the last one an agent had acknowledged (a later epoch, or
     * as many work items in the same one); a completed job's is exactly the final checkpoint its
     * completing lease wrote.
     */
    private void checkCheckpoint(Job job, Expected expected, Map<Long, String> grantedTo, List<AgentEvents.Event> events) {
        String id = job.id();
        Optional<Checkpoint> stored = jobs.checkpoints(tenant, id).stream()
                .filter(c -> c.name().equals("simulation")).findFirst();
        AgentEvents.Event lastAcked = null;
        for (AgentEvents.Event e : events) {
            if (e.type().equals("checkpoint") && (lastAcked == null || e.epoch() > lastAcked.epoch()
                    || (e.epoch() == lastAcked.epoch() && e.intField("workItems") >= lastAcked.intField("workItems")))) {
                lastAcked = e;
            }
        }
        count(c -> c.checkpointsChecked++);
        if (lastAcked != null) {
            if (stored.isEmpty()) {
                lost(id, "checkpoint of epoch " + lastAcked.epoch() + " acknowledged, none stored");
                return;
            }
            long storedItems = data(stored.get()).path("workItems").asLong(-1);
            if (stored.get().epoch() < lastAcked.epoch()
                    || (stored.get().epoch() == lastAcked.epoch() && storedItems < lastAcked.intField("workItems"))) {
                lost(id, "stored checkpoint (epoch " + stored.get().epoch() + ", " + storedItems + " items) is older than the "
                        + "acknowledged one (epoch " + lastAcked.epoch() + ", " + lastAcked.get("workItems") + " items)");
            }
        }
        if (job.state() == JobState.Completed) {
            JsonNode finalData = json.createObjectNode().put("percent", 100).put("workItems", expected.workItems());
            long lastEpoch = grantedTo.keySet().stream().mapToLong(Long::longValue).max().orElse(-1);
            if (stored.isEmpty()) {
                lost(id, "completed without its final checkpoint");
            } else if (!data(stored.get()).equals(finalData) || stored.get().epoch() != lastEpoch) {
                lost(id, "completed under epoch " + lastEpoch + " but its checkpoint is " + data(stored.get())
                        + " of epoch " + stored.get().epoch() + ", not " + finalData);
            }
        }
    }

    /** Every work item a completed job did, and every one an agent got 200 for, is stored and readable both ways. */
    private void checkMappings(Job job, Expected expected, List<AgentEvents.Event> events) {
        TreeSet<Integer> due = new TreeSet<>();
        for (AgentEvents.Event e : events) {
            if (e.type().equals("mappings")) {
                for (int i = e.intField("from"); i <= e.intField("to"); i++) {
                    due.add(i);
                }
            }
        }
        if (job.state() == JobState.Completed) {
            for (int i = 1; i <= expected.workItems(); i++) {
                due.add(i);
            }
        }
        Map<String, String> forward = new HashMap<>();
        String token = null;
        do {
            Page<IdMapping> page = mappings.list(tenant, expected.mappingScope(), WORK_ITEM, 1000, token);
            page.items().forEach(m -> forward.put(m.sourceId(), m.targetId()));
            token = page.continuationToken();
        } while (token != null);
        for (int item : due) {
            String source = String.valueOf(item);
            String target = String.valueOf(item + TARGET_OFFSET);
            count(c -> c.mappingsChecked++);
            if (!target.equals(forward.get(source))) {
                lostMapping(job.id(), "work item " + source + " maps to " + forward.get(source) + ", expected " + target);
                continue;
            }
            Optional<IdMapping> back = mappings.findByTarget(tenant, expected.mappingScope(), WORK_ITEM, target);
            if (back.isEmpty() || !back.get().sourceId().equals(source)) {
                lostMapping(job.id(), "target " + target + " reads back as " + back.map(IdMapping::sourceId).orElse("nothing"));
            }
        }
        if (job.state() == JobState.Completed && forward.size() != expected.workItems()) {
            violation(job.id(), forward.size() + " mappings stored for " + expected.workItems() + " work items");
        }
    }

    private JsonNode data(Checkpoint checkpoint) {
        return json.valueToTree(checkpoint.data());
    }

    private void lost(String jobId, String what) {
        count(c -> c.lostCheckpoints++);
        violation(jobId, "lost checkpoint: " + what);
    }

    private void lostMapping(String jobId, String what) {
        count(c -> c.lostMappings++);
        violation(jobId, "lost mapping: " + what);
    }

    private void count(java.util.function.Consumer<Counts> change) {
        synchronized (counts) {
            change.accept(counts);
        }
    }

    private void violation(String jobId, String what) {
        violations.add("job " + jobId + ": " + what);
    }

    private static String summary(List<HistoryEntry> history) {
        StringBuilder text = new StringBuilder();
        for (HistoryEntry e : history) {
            text.append(text.isEmpty() ? "" : " → ").append(e.to()).append(" (").append(e.reason()).append(')');
        }
        return text.toString();
    }
}
