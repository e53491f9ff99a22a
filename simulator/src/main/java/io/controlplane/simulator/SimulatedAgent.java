package io.controlplane.simulator;

import io.controlplane.simulator.AgentLog.EventType;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The reference agent: registers, long-polls for a lease per free slot, runs each job in a worker
 * thread (progress, checkpoints, completion or failure), heartbeats and obeys the commands the
 * heartbeat answers carry (a {@code continue} with a {@code backOff} pauses the lease's job until
 * the back-off ends). Everything it does goes to its {@link AgentLog}.
 *
 * <p>For tests it can be made to misbehave: {@link #stopHeartbeating()} (jobs go on, the lease is no
 * longer extended), {@link #goSilent()} (it keeps its jobs but makes no call at all until
 * {@link #speakAgain()}) and {@link #kill()} (gone at once, nothing released).
 *
 * <p>Run it on a thread of your own ({@link #run()} blocks) or with {@link #start()};
 * {@link #close()} stops it gracefully: each running job writes a final checkpoint and is released
 * with reason {@code shutdown}.
 */
public final class SimulatedAgent implements Runnable, AutoCloseable {

    /** The cursor checkpoint a simulated job writes, {@code { "percent": N }}, and resumes from. */
    public static final String CHECKPOINT_NAME = "simulation";

    private static final Duration IDLE_TICK = Duration.ofMillis(50);
    private static final Duration FAST_EMPTY_POLL = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration DEFAULT_CLOSE_GRACE = Duration.ofSeconds(10);

    private final AgentConfig config;
    private final AgentClient client;
    private final Clock clock;
    private final AgentLog log;
    private final Random random;
    private final Semaphore freeSlots;
    private final Map<String, SimulatedJob> jobs = new ConcurrentHashMap<>();
    private final ExecutorService workers;
    private final AtomicInteger jobThreads = new AtomicInteger();
    private final AtomicBoolean started = new AtomicBoolean();

    private volatile boolean stopping;
    private volatile boolean killed;
    private volatile boolean silent;
    private volatile boolean heartbeating = true;
    private volatile Thread poller;
    private volatile Thread heartbeat;

    /** An agent calling the control plane at {@code baseUri} (e.g. {@code http://127.0.0.1:7071}). */
    public SimulatedAgent(AgentConfig config, URI baseUri, Supplier<String> token) {
        this(config, new AgentClient(baseUri, token), Clock.systemUTC());
    }

    /** An agent on a client of your own, with the clock its timing logic reads. */
    public SimulatedAgent(AgentConfig config, AgentClient client, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.log = new AgentLog(config.agentId(), clock);
        this.random = config.seed() == null ? new Random() : new Random(config.seed());
        this.freeSlots = new Semaphore(config.slots());
        this.workers = Executors.newCachedThreadPool(task -> daemon(task,
                "agent-" + config.agentId() + "-job-" + jobThreads.incrementAndGet()));
    }

    public AgentConfig config() {
        return config;
    }

    public AgentLog log() {
        return log;
    }

    /** Runs the agent on a new daemon thread named after it; returns that thread. */
    public Thread start() {
        Thread thread = daemon(this, "agent-" + config.agentId());
        thread.start();
        return thread;
    }

    /** Registers, starts heartbeating, then polls for leases until closed or killed. Blocks. */
    @Override
    public void run() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("agent " + config.agentId() + " already runs; make a new one");
        }
        poller = Thread.currentThread();
        if (!registerUntilDone()) {
            return;
        }
        heartbeat = daemon(this::heartbeatLoop, "agent-" + config.agentId() + "-heartbeat");
        heartbeat.start();
        pollLoop();
        Thread.interrupted(); // the interrupt that ended the long poll is not the caller's business
    }

    /** The lease ids of the jobs running now. */
    public List<String> runningLeases() {
        return List.copyOf(jobs.keySet());
    }

    /** Heartbeats stop (jobs go on and report progress), so the control plane sees the agent as lost. */
    public void stopHeartbeating() {
        heartbeating = false;
        log.event(EventType.HEARTBEAT_STOPPED, Map.of());
    }

    public void resumeHeartbeating() {
        heartbeating = true;
        log.event(EventType.HEARTBEAT_RESUMED, Map.of());
    }

    /**
     * The agent makes no more calls (no heartbeat, poll, progress, checkpoint, completion), as if
     * cut off from the network, but keeps its jobs. A call already on the wire still finishes.
     */
    public void goSilent() {
        silent = true;
        log.event(EventType.SILENT, Map.of());
    }

    /** Calls resume; a job whose lease was lost meanwhile learns it at its next write and is dropped. */
    public void speakAgain() {
        silent = false;
        log.event(EventType.SPEAKING, Map.of());
    }

    public boolean isSilent() {
        return silent;
    }

    /** Stops at once, like a crashed process: no final checkpoint, no release, no further call. */
    public void kill() {
        if (killed) {
            return;
        }
        killed = true;
        stopping = true;
        log.event(EventType.KILLED, AgentLog.fields("runningJobs", jobs.size()));
        interrupt(poller);
        interrupt(heartbeat);
        workers.shutdownNow();
    }

    /** Stops gracefully within 10 seconds; see {@link #close(Duration)}. */
    @Override
    public void close() {
        close(DEFAULT_CLOSE_GRACE);
    }

    /**
     * Stops polling, lets each running job write its final checkpoint and release its lease with
     * reason {@code shutdown}, and waits for that up to {@code grace}; what is still running then is
     * killed.
     */
    public void close(Duration grace) {
        if (killed || stopping) {
            return;
        }
        stopping = true;
        interrupt(poller);
        jobs.values().forEach(SimulatedJob::shutdown);
        workers.shutdown();
        try {
            if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                killed = true; // what did not release in time is abandoned like a crash
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        interrupt(heartbeat);
        log.event(EventType.STOPPED, AgentLog.fields("runningJobs", jobs.size()));
    }

    // --- what the job threads use ---

    AgentClient client() {
        return client;
    }

    Clock clock() {
        return clock;
    }

    boolean killed() {
        return killed;
    }

    boolean silent() {
        return silent;
    }

    void jobEnded(SimulatedJob job) {
        if (jobs.remove(job.lease().leaseId(), job)) {
            freeSlots.release();
        }
    }

    // --- the loops ---

    private boolean registerUntilDone() {
        Duration backoff = config.errorBackoff();
        while (!stopping) {
            if (silent) {
                pause(IDLE_TICK);
                continue;
            }
            try {
                client.register(config.agentId(), config.registration());
                log.event(EventType.REGISTERED, AgentLog.fields("region", config.region(), "pool", config.pool(),
                        "capabilities", String.join(",", config.capabilities()), "slots", config.slots()));
                return true;
            } catch (ProblemException | UncheckedIOException | IllegalStateException e) {
                error("register", e);
                pause(backoff);
                backoff = longer(backoff);
            }
        }
        return false;
    }

    private void pollLoop() {
        Duration backoff = config.errorBackoff();
        while (!stopping) {
            if (silent) {
                pause(IDLE_TICK);
                continue;
            }
            try {
                if (!freeSlots.tryAcquire(IDLE_TICK.toMillis(), TimeUnit.MILLISECONDS)) {
                    continue;
                }
            } catch (InterruptedException e) {
                break;
            }
            boolean handedOff = false;
            try {
                Instant asked = clock.instant();
                Optional<Lease> lease = client.lease(config.agentId(), config.leaseWaitSeconds());
                if (lease.isPresent()) {
                    handedOff = accept(lease.get());
                } else if (config.leaseWaitSeconds() > 0
                        && Duration.between(asked, clock.instant()).compareTo(FAST_EMPTY_POLL) < 0) {
                    pause(FAST_EMPTY_POLL); // a control plane that does not hold the poll must not make us spin
                }
                backoff = config.errorBackoff();
            } catch (ProblemException | UncheckedIOException | IllegalStateException e) {
                if (!stopping) {
                    error("lease", e);
                    pause(backoff);
                    backoff = longer(backoff);
                }
            } finally {
                if (!handedOff) {
                    freeSlots.release();
                }
            }
        }
    }

    /** Starts the job on a worker; a lease that arrives while stopping is given back at once. */
    private boolean accept(Lease lease) {
        SimulatedJob job = new SimulatedJob(this, lease, config, random, log);
        if (killed) {
            return false;
        }
        jobs.put(lease.leaseId(), job);
        if (stopping) {
            job.shutdown();
        }
        try {
            workers.execute(job);
        } catch (RejectedExecutionException closing) {
            // close() has begun: give the lease back from this thread rather than leave it to expire
            job.shutdown();
            job.run();
        }
        return true; // either way the job's end frees the slot
    }

    /**
     * Heartbeats that wait ({@code waitSeconds} = the interval, whole seconds) when the interval is
     * a second or more: one answered with every lease going on (the wait ended) is followed by the
     * next at once, so the cadence stays the interval while a stop is heard the moment it is
     * decided; after an answer with a stop (or a failed call) the agent pauses the interval.
     */
    private void heartbeatLoop() {
        int wait = (int) Math.min(AgentClient.MAX_WAIT_SECONDS, config.heartbeatInterval().toSeconds());
        while (!killed && !(stopping && workers.isTerminated())) {
            boolean waited = false;
            if (heartbeating && !silent) {
                waited = beat(stopping ? 0 : wait);
            }
            if (!waited) {
                pause(config.heartbeatInterval());
            }
        }
    }

    /** One heartbeat; true when it waited its whole wait and every lease goes on (the next may follow at once). */
    private boolean beat(int waitSeconds) {
        List<HeldLease> held = jobs.values().stream()
                .map(job -> new HeldLease(job.lease().leaseId(), job.lease().epoch())).toList();
        try {
            long started = System.nanoTime();
            List<Command> commands = client.heartbeat(config.agentId(), held, waitSeconds);
            log.heartbeatAnswered();
            for (Command command : commands) {
                obey(command);
            }
            boolean allGoOn = commands.stream().allMatch(c -> c.type() == Command.Type.CONTINUE);
            return waitSeconds > 0 && allGoOn
                    && System.nanoTime() - started >= TimeUnit.SECONDS.toNanos(waitSeconds) / 2;
        } catch (ProblemException e) {
            if (e.status() == 404 && !stopping) {
                // the control plane no longer knows this agent (e.g. its store was reset): register again
                error("heartbeat", e);
                registerUntilDone();
            } else if (!killed) {
                error("heartbeat", e);
            }
        } catch (UncheckedIOException | IllegalStateException e) {
            if (!killed) {
                error("heartbeat", e);
            }
        }
        return false;
    }

    private void obey(Command command) {
        SimulatedJob job = command.leaseId() == null ? null : jobs.get(command.leaseId());
        if (command.type() == Command.Type.CONTINUE) {
            if (job != null && command.backOff() != null) {
                job.backOff(command.backOff()); // the job logs it when it backs off longer than it did
            }
            return; // the usual answer: not worth an event
        }
        log.command(command);
        if (job != null) {
            job.command(command);
        }
    }

    private void error(String operation, RuntimeException e) {
        Map<String, Object> fields = AgentLog.fields("operation", operation, "error", e.getClass().getSimpleName());
        if (e instanceof ProblemException problem) {
            fields.put("status", problem.status());
            fields.put("problem", problem.shortType());
        }
        fields.put("message", e.getMessage());
        log.event(EventType.ERROR, fields);
    }

    private static Duration longer(Duration backoff) {
        Duration doubled = backoff.multipliedBy(2);
        return doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
    }

    /** Sleeps; an interrupt ends the sleep early and is kept for the loop to see through its flags. */
    static void pause(Duration duration) {
        try {
            Thread.sleep(Math.max(1, duration.toMillis()));
        } catch (InterruptedException e) {
            // stopping: the flags say what to do next
        }
    }

    private static void interrupt(Thread thread) {
        if (thread != null && thread != Thread.currentThread()) {
            thread.interrupt();
        }
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }
}
