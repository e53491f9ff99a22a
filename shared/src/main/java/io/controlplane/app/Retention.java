package io.controlplane.app;

import io.controlplane.config.TenancySettings;
import io.controlplane.domain.ConcurrencyConflictException;
import io.controlplane.domain.Job;
import io.controlplane.ports.JobStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retention purge: erases finished jobs whose last change is older than the retention period
 * (with their history, checkpoints, keys and unshared mappings, as {@link EraseJob} does). Run by
 * the reconcile timer, at most once per purge interval on an instance, a bounded number of pages
 * per run; a run that filled its pages runs again on the next pass.
 */
public final class Retention {

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    static final int PAGE = 100;
    static final int PAGES_PER_RUN = 10;

    private final JobStore jobs;
    private final EraseJob erase;
    private final TenancySettings settings;
    private final Clock clock;
    private volatile Instant nextRun = Instant.MIN;

    public Retention(JobStore jobs, EraseJob erase, TenancySettings settings, Clock clock) {
        this.jobs = jobs;
        this.erase = erase;
        this.settings = settings;
        this.clock = clock;
    }

    /** Purges if a run is due; returns how many jobs were erased. */
    public synchronized int purgeIfDue() {
        Instant now = clock.instant();
        if (!settings.purges() || now.isBefore(nextRun)) {
            return 0;
        }
        int erased = 0;
        boolean more = false;
        Instant cutoff = now.minus(settings.retention());
        for (int page = 0; page < PAGES_PER_RUN; page++) {
            List<Job> expired = jobs.finishedBefore(cutoff, PAGE);
            for (Job job : expired) {
                try {
                    erase.erase(job, "retention");
                    erased++;
                } catch (ConcurrencyConflictException raced) {
                    // Erased or changed by someone else meanwhile: the next run sees it as it is now.
                }
            }
            more = expired.size() == PAGE;
            if (!more) {
                break;
            }
        }
        nextRun = more ? now : now.plus(settings.purgeInterval());
        if (erased > 0) {
            LOG.info("event=retention_purge erased={} retentionDays={} more={}", erased, settings.retention().toDays(), more);
        }
        return erased;
    }
}
