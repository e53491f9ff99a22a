package io.controlplane.app;

import io.controlplane.domain.Agent;
import io.controlplane.domain.Job;
import io.controlplane.domain.ReadyEntry;
import io.controlplane.ports.IntakeMessage;
import io.controlplane.ports.IntakeQueue;
import io.controlplane.scheduling.StartThroughput;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One region's view in the {@link Dispatcher}: its ready set, the jobs known beside their entries,
 * the entries its claims took, the agents waiting here and the leases offered to them. Everything
 * in it changes under its monitor, on one dispatch run at a time; events from other threads are
 * queued ({@link #events}) and applied by whoever holds the monitor next ({@link #drain}).
 */
final class RegionView {

    /** Jobs kept as stored beside their entries (a claim of one of them needs no read), at most. */
    static final int MAX_KNOWN_JOBS = 10_000;

    /** A lease offered to an agent and not yet taken by one of its polls. */
    record Offer(LeaseGrant grant, Instant at) {
    }

    /** One poll of an agent waiting on this instance: until when, and its inbox listening (polls that ask elsewhere). */
    static final class Asking {
        final Instant until;
        IntakeQueue.Subscription listening;

        Asking(Instant until, IntakeQueue.Subscription listening) {
            this.until = until;
            this.listening = listening;
        }

        void stopListening() {
            if (listening != null) {
                listening.close();
                listening = null;
            }
        }
    }

    /**
     * An agent asking for work: its record as last seen, its place in line, its polls here, and
     * (on the leader) where offers go when its poll waits on another instance.
     */
    static final class Waiter {
        Agent agent;
        final long since;
        final Map<Object, Asking> polls = new HashMap<>();
        /** Another instance's poll: the address its offers go to, and until when it waits. */
        String replyTo;
        Instant remoteUntil;

        boolean remote(Instant now) {
            return replyTo != null && remoteUntil != null && remoteUntil.isAfter(now);
        }

        Waiter(Agent agent, long since) {
            this.agent = agent;
            this.since = since;
        }
    }

    final String region;
    final TreeMap<String, ReadyEntry> ready = new TreeMap<>();
    final Map<String, String> keyByJob = new HashMap<>();
    /**
     * Entries this view's claims took or found gone, by key, with when: their rows may still be in
     * the table for a while (the delete runs off the claim's path), so a look at the table must
     * not bring them back. Forgotten after the stale-entry grace.
     */
    final Map<String, Instant> taken = new HashMap<>();
    /** The epochs of the leases this view's claims gave, by tenant and job id (what an intake message names). */
    final Map<String, Long> takenJobs = new HashMap<>();
    /** Jobs as stored when they became ready here, by entry key: hints, dropped when used or stale. */
    final Map<String, Job> known = new HashMap<>();
    final LinkedHashMap<String, Waiter> waiting = new LinkedHashMap<>();
    /** Waiting agents a submission is being claimed for as it is created ({@link Dispatcher#placeNew}): not matched meanwhile. */
    final Set<String> claiming = new HashSet<>();
    final Map<String, ConcurrentLinkedDeque<Offer>> offers = new ConcurrentHashMap<>();
    final Queue<Consumer<RegionView>> events = new ConcurrentLinkedQueue<>();
    final AtomicBoolean scheduled = new AtomicBoolean();
    /** The next scheduled run decides (it follows an event the bus delivered here). */
    volatile boolean mandated;
    volatile boolean loaded;
    /** When the heads were last read ({@link System#nanoTime}: pacing, not domain time). */
    long headsReadAt;
    /** Where the sweep of the ready set goes on from: a tier, and the last key compared (null: its head). */
    int sweepTier;
    String sweptUpTo;
    boolean refreshNow;
    long sequence;

    /** The jobs this view started lately: the queue's drain rate (start estimates). */
    final StartThroughput starts;

    RegionView(String region, Instant now) {
        this.region = region;
        this.starts = new StartThroughput(now);
    }

    void put(ReadyEntry entry) {
        String old = keyByJob.put(entry.tenantId() + "|" + entry.jobId(), entry.key());
        if (old != null && !old.equals(entry.key())) {
            ready.remove(old);
        }
        ready.put(entry.key(), entry);
    }

    void drop(ReadyEntry entry) {
        ReadyEntry current = ready.get(entry.key());
        if (current != null && current.jobId().equals(entry.jobId())) {
            ready.remove(entry.key());
            keyByJob.remove(entry.tenantId() + "|" + entry.jobId());
        }
        known.remove(entry.key());
    }

    /** The agent's place in line, made when it first asks; its record as now seen. */
    Waiter waiter(Agent agent) {
        Waiter w = waiting.get(agent.id());
        if (w == null) {
            w = new Waiter(agent, sequence++);
            waiting.put(agent.id(), w);
        } else {
            w.agent = agent;
        }
        return w;
    }

    /** A newer record of an agent that waits here (none: nothing to do). */
    void refresh(Agent agent) {
        Waiter w = waiting.get(agent.id());
        if (w != null) {
            w.agent = agent;
        }
    }

    boolean holds(String tenantId, String jobId) {
        return keyByJob.containsKey(tenantId + "|" + jobId);
    }

    void take(ReadyEntry entry, Instant now, long leaseEpoch) {
        taken.put(entry.key(), now);
        if (leaseEpoch > 0) {
            takenJobs.put(entry.tenantId() + "|" + entry.jobId(), leaseEpoch);
        }
    }

    /** Whether the message announces the job as it was before a lease this view gave (nothing new). */
    boolean announcesTaken(IntakeMessage message) {
        Long leaseEpoch = takenJobs.get(message.tenantId() + "|" + message.jobId());
        return leaseEpoch != null && message.epoch() < leaseEpoch;
    }

    void untake(ReadyEntry entry) {
        taken.remove(entry.key());
        takenJobs.remove(entry.tenantId() + "|" + entry.jobId());
    }

    void forgetTakenBefore(Instant cutoff) {
        taken.values().removeIf(at -> at.isBefore(cutoff));
        if (taken.isEmpty()) {
            takenJobs.clear();
        } else if (takenJobs.size() > 2 * MAX_KNOWN_JOBS) {
            takenJobs.clear(); // a hint only: at worst an intake message costs its reads again
        }
    }

    /** Applies the events recorded so far (under the view's monitor). */
    void drain() {
        for (Consumer<RegionView> event; (event = events.poll()) != null; ) {
            event.accept(this);
        }
    }

    /** Forgets the ready set (read afresh when next needed: another instance decided meanwhile). */
    void forgetReady() {
        ready.clear();
        keyByJob.clear();
        known.clear();
        loaded = false;
    }

    /** Agents no poll waits for, here or elsewhere, leave the line. */
    void dropIdle(Instant now) {
        waiting.values().removeIf(w -> w.polls.isEmpty() && !w.remote(now));
    }

    /** The waiting agents a match may use: those without a claim at creation in flight. */
    List<Agent> available() {
        return waiting.values().stream().map(w -> w.agent).filter(a -> !claiming.contains(a.id())).toList();
    }

    /** The waiter's record as the claim left it (the agent gone: it waits no more). */
    void afterClaim(String agentId, Claims.Claim claim) {
        Waiter waiter = waiting.get(agentId);
        if (waiter == null) {
            return;
        }
        if (claim.agent() != null) {
            waiter.agent = claim.agent();
        } else {
            waiting.remove(agentId); // unregistered meanwhile
        }
    }

    /** A lease for the agent, kept until one of its polls takes it. */
    void offer(String agentId, LeaseGrant grant, Instant at) {
        offers.computeIfAbsent(agentId, k -> new ConcurrentLinkedDeque<>()).add(new Offer(grant, at));
    }

    /** Whether agents wait here or offers wait for their polls. */
    boolean idle() {
        return waiting.isEmpty() && offers.values().stream().allMatch(Collection::isEmpty);
    }

    /** An offer no poll took since {@code cutoff} is forgotten: its lease expires and the job is requeued. */
    void expireOffers(Instant cutoff) {
        offers.values().forEach(q -> q.removeIf(o -> o.at().isBefore(cutoff)));
        offers.values().removeIf(Collection::isEmpty);
    }
}
