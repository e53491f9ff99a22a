package io.controlplane.simulator;

import io.controlplane.simulator.AgentLog.EventType;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * How a {@link SimulatedJob} makes one write with its lease. A lost lease, or one the control plane
 * no longer knows (404), ends the job ({@link LeaseGone}); any other refusal or a transport failure
 * is logged and the job tries again later, up to {@value #MAX_CONSECUTIVE_FAILURES} times in a row
 * for the same operation. Used by the job's own thread only.
 */
final class LeaseWrites {

    /** Give up on a job whose writes keep failing for reasons other than a lost lease. */
    private static final int MAX_CONSECUTIVE_FAILURES = 10;

    private final SimulatedAgent agent;
    private final Lease lease;
    private final AgentLog log;
    /** How long to wait after a failed write. */
    private final Duration errorBackoff;
    /** Consecutive failures per operation, so a write that keeps failing is not masked by one that works. */
    private final Map<String, Integer> failures = new HashMap<>();

    LeaseWrites(SimulatedAgent agent, Lease lease, AgentLog log, Duration errorBackoff) {
        this.agent = agent;
        this.lease = lease;
        this.log = log;
        this.errorBackoff = errorBackoff;
    }

    /**
     * One lease write.
     *
     * @return whether the write went through
     * @throws LeaseGone when the job is to end without another call
     */
    boolean write(String operation, Runnable call) {
        try {
            call.run();
            failures.remove(operation);
            return true;
        } catch (LeaseLostException e) {
            log.refused(lease, operation, e);
            log.event(EventType.LEASE_LOST, lease, Map.of("operation", operation));
            throw new LeaseGone();
        } catch (ProblemException e) {
            if (e.status() == 409) {
                log.refused(lease, operation, e);
            } else {
                logError(operation, e);
            }
            if (e.status() == 404) {
                // the control plane no longer knows this lease (or job): nothing left to write to
                log.event(EventType.LEASE_LOST, lease, AgentLog.fields("operation", operation, "status", e.status()));
                throw new LeaseGone();
            }
        } catch (UncheckedIOException | IllegalStateException e) {
            if (agent.killed()) {
                throw new LeaseGone();
            }
            logError(operation, e);
        }
        int failed = failures.merge(operation, 1, Integer::sum);
        if (failed >= MAX_CONSECUTIVE_FAILURES) {
            log.event(EventType.ERROR, lease, AgentLog.fields("operation", operation, "message",
                    "giving the job up after " + failed + " failed " + operation + " calls in a row"));
            throw new LeaseGone();
        }
        SimulatedAgent.pause(errorBackoff);
        return false;
    }

    private void logError(String operation, RuntimeException e) {
        Map<String, Object> fields = AgentLog.fields("operation", operation, "error", e.getClass().getSimpleName(),
                "message", e.getMessage());
        if (e instanceof ProblemException problem) {
            fields.put("status", problem.status());
        }
        log.event(EventType.ERROR, lease, fields);
    }
}
