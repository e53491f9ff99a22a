package io.controlplane.app;

import io.controlplane.domain.ConcurrencyConflictException;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobEvent;
import io.controlplane.domain.JobState;
import io.controlplane.domain.Progress;
import io.controlplane.ports.JobStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress reports from agents. The first report in a window is stored at once (the job view shows
 * it immediately); further reports within {@code minInterval} are coalesced: only the latest is
 * kept and written when the window closes, so a chatty agent costs at most one write per window
 * on its tenant's partition. Until then this instance's job views show the pending report.
 */
public final class ReportProgress implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReportProgress.class);

    /** What happened to a report. */
    public record Outcome(boolean stored, boolean coalesced) {
    }

    private record Pending(String leaseId, Progress progress) {
    }

    private static final class Window {
        private Instant lastWrite;
        private Pending pending;
        /** The report a flush is writing now: still shown until the write is done. */
        private Pending writing;
        private boolean flushScheduled;
    }

    private final JobStore jobs;
    private final LeaseAccess leases;
    private final Duration minInterval;
    private final Clock clock;
    private final JobEvents events;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "progress-flush");
        t.setDaemon(true);
        return t;
    });

    /** @param events where each accepted report is published at once (stored or coalesced) */
    public ReportProgress(JobStore jobs, LeaseAccess leases, Duration minInterval, Clock clock, JobEvents events) {
        this.jobs = jobs;
        this.events = events;
        this.leases = leases;
        this.minInterval = minInterval;
        this.clock = clock;
        scheduler.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.MINUTES);
    }

    public Outcome report(Caller caller, String leaseId, double percent, Map<String, Long> counters, String message) {
        Job job = leases.checkForWrite(caller, leaseId); // the write below is conditional on this version
        Instant now = clock.instant();
        Progress progress = new Progress(percent, counters, message, now);
        String key = key(job.tenantId(), job.id());
        Window window = windows.computeIfAbsent(key, k -> new Window());
        synchronized (window) {
            boolean open = window.lastWrite == null || !window.lastWrite.plus(minInterval).isAfter(now);
            if (!open || window.pending != null) {
                window.pending = new Pending(leaseId, progress);
                if (!window.flushScheduled) {
                    window.flushScheduled = true;
                    long delay = window.lastWrite == null ? 0 : Math.max(0,
                            Duration.between(now, window.lastWrite.plus(minInterval)).toMillis());
                    scheduler.schedule(() -> flush(job.tenantId(), job.id()), delay, TimeUnit.MILLISECONDS);
                }
                // Watchers see every accepted report, also one that is coalesced before it is stored.
                events.publish(JobEvent.reported(job.tenantId(), job.id(), progress));
                return new Outcome(false, true);
            }
            window.lastWrite = now;
        }
        write(job, leaseId, progress, true);
        events.publish(JobEvent.reported(job.tenantId(), job.id(), progress));
        return new Outcome(true, false);
    }

    /** The report waiting to be written for a job, if any (job views overlay it). */
    public Optional<Progress> pending(String tenantId, String jobId) {
        Window window = windows.get(key(tenantId, jobId));
        if (window == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(last(window)).map(Pending::progress);
    }

    /** The report waiting to be written, or the one being written, or null. */
    private static Pending last(Window window) {
        synchronized (window) {
            return window.pending != null ? window.pending : window.writing;
        }
    }

    /**
     * The job with the agent's last progress report, if that is still waiting to be written
     * (coalesced): a job that ends or is released keeps what its agent last reported, not the
     * report before it.
     */
    public Job withLastReport(Job job, Instant now) {
        Window window = windows.get(key(job.tenantId(), job.id()));
        if (window == null) {
            return job;
        }
        Pending last = last(window);
        // Only a report made with the lease the job holds (not one left from an earlier lease).
        return last != null && last.leaseId().equals(job.leaseId()) ? job.withReport(last.progress(), now) : job;
    }

    /** Drops what is pending for a job that ends (completion writes its own final state). */
    public void discard(String tenantId, String jobId) {
        windows.remove(key(tenantId, jobId));
    }

    private void flush(String tenantId, String jobId) {
        Window window = windows.get(key(tenantId, jobId));
        if (window == null) {
            return;
        }
        Pending pending;
        synchronized (window) {
            pending = window.pending;
            window.pending = null;
            // Shown until it is stored: a view read meanwhile must not fall back to the older stored report.
            window.writing = pending;
            window.flushScheduled = false;
            window.lastWrite = clock.instant();
        }
        if (pending != null) {
            try {
                jobs.find(tenantId, jobId).ifPresent(job -> write(job, pending.leaseId(), pending.progress(), false));
            } catch (RuntimeException e) {
                LOG.warn("event=progress_flush_failed jobId={} tenant={} error={}", jobId, tenantId, e.toString());
            } finally {
                synchronized (window) {
                    if (window.writing == pending) {
                        window.writing = null;
                    }
                }
            }
        }
    }

    /**
     * Stores progress if the lease still holds (a lease past its expiry is the reconcile pass's to
     * take back: a late flush must not write, or start, it); starts an Assigned job.
     */
    private void write(Job read, String leaseId, Progress progress, boolean strict) {
        String tenantId = read.tenantId();
        String jobId = read.id();
        for (int attempt = 0; attempt < AgentRecords.MAX_ATTEMPTS; attempt++) {
            Optional<Job> found = attempt == 0 ? Optional.of(read) : jobs.find(tenantId, jobId);
            Instant now = clock.instant();
            if (found.isEmpty() || !leases.holds(found.get(), leaseId, now)) {
                if (strict) {
                    throw LeaseAccess.lost();
                }
                return;
            }
            Job job = found.get();
            try {
                if (job.state() == JobState.Assigned) {
                    Job.Transition started = job.withReport(progress, now).start(now);
                    leases.remember(jobs.update(started.job(), List.of(started.entry())));
                } else {
                    leases.remember(jobs.update(job.withReport(progress, now), List.of()));
                }
                return;
            } catch (ConcurrencyConflictException raced) {
                leases.forget(leaseId);
                // a heartbeat extended the lease meanwhile: read again
            }
        }
        throw new ConcurrencyConflictException("Job " + jobId + " kept changing; progress not stored, report again.");
    }

    private void sweep() {
        Instant cutoff = clock.instant().minus(minInterval.multipliedBy(10).plusMinutes(1));
        windows.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                return e.getValue().pending == null && e.getValue().lastWrite != null && e.getValue().lastWrite.isBefore(cutoff);
            }
        });
    }

    private static String key(String tenantId, String jobId) {
        return tenantId + "\u0000" + jobId;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
