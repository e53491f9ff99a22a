package io.controlplane;

import com.azure.core.http.policy.HttpPipelinePolicy;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.adapters.Messaging;
import io.controlplane.adapters.tables.TableStorage;
import io.controlplane.api.HttpApi;
import io.controlplane.api.Json;
import io.controlplane.api.ReadinessCheck;
import io.controlplane.api.auth.DevIssuer;
import io.controlplane.api.auth.JwtTokenValidator;
import io.controlplane.api.auth.OpenIdTokenValidator;
import io.controlplane.api.auth.OperatorRoles;
import io.controlplane.api.auth.RemoteKeys;
import io.controlplane.api.auth.TokenValidator;
import io.controlplane.app.Dispatching;
import io.controlplane.app.PreemptionChecks;
import io.controlplane.app.Reconcile;
import io.controlplane.app.UseCases;
import io.controlplane.config.AuthSettings;
import io.controlplane.config.ControlPlaneSettings;
import io.controlplane.config.DispatchSettings;
import io.controlplane.config.TelemetrySettings;
import io.controlplane.config.TenancySettings;
import io.controlplane.domain.Tier;
import io.controlplane.ports.AgentChannel;
import io.controlplane.ports.DispatchEvent;
import io.controlplane.ports.IntakeMessage;
import io.controlplane.ports.IntakeQueue;
import io.controlplane.ports.RegionLeadership;
import io.controlplane.telemetry.Telemetry;
import io.controlplane.telemetry.TelemetrySetup;
import io.controlplane.validation.EndpointHosts;
import io.controlplane.validation.JobSpecValidator;
import io.opentelemetry.api.OpenTelemetry;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/**
 * The composition root both hosts use: builds adapters, use cases and the HTTP API from settings.
 * Hosts hold one instance, pass requests to {@link #api()}, intake messages to
 * {@link #onIntake}, and call {@link #reconcile()} on their timer.
 */
public final class ControlPlane implements AutoCloseable {

    private final ControlPlaneSettings settings;
    private final HttpApi api;
    private final UseCases app;
    private final IntakeQueue intake;

    private final ExecutorService background;

    private final AgentChannel channel;

    private final TelemetrySetup.Installed telemetry;

    private final AtomicBoolean stopping;

    private LocalEcho echo;

    private ControlPlane(ControlPlaneSettings settings, HttpApi api, UseCases app, IntakeQueue intake,
                         ExecutorService background, AgentChannel channel,
                         TelemetrySetup.Installed telemetry, AtomicBoolean stopping) {
        this.stopping = stopping;
        this.telemetry = telemetry;
        this.channel = channel;
        this.background = background;
        this.settings = settings;
        this.api = api;
        this.app = app;
        this.intake = intake;
    }

    /**
     * From setting values (environment, app settings, local.settings.json), with the telemetry they
     * configure (Azure Monitor, OTLP or the log).
     */
    public static ControlPlane create(Map<String, String> values) {
        ControlPlaneSettings settings = ControlPlaneSettings.from(values);
        DispatchSettings dispatch = DispatchSettings.from(values);
        TenancySettings tenancy = TenancySettings.from(values, settings);
        TelemetrySettings telemetrySettings = TelemetrySettings.from(values);
        TelemetrySetup.Installed telemetry = TelemetrySetup.install(telemetrySettings, settings.regions(),
                settings.environment().name());
        LoggerFactory.getLogger(ControlPlane.class).info(
                "event=telemetry exporter={} entraAuthentication={} serviceName={} metricIntervalMs={}",
                telemetry.exporter(), telemetrySettings.entraAuthentication(), telemetrySettings.serviceName(),
                telemetrySettings.metricInterval().toMillis());
        try {
            return create(settings, dispatch, tenancy, TableStorage.ticking(Clock.systemUTC()), List.of(), telemetry);
        } catch (RuntimeException e) {
            telemetry.close();
            throw e;
        }
    }

    public static ControlPlane create(ControlPlaneSettings settings, DispatchSettings dispatch, Clock clock) {
        return create(settings, dispatch, clock, List.of());
    }

    /** With extra storage pipeline policies (benchmarks count requests; fault tests inject failures). */
    public static ControlPlane create(ControlPlaneSettings settings, DispatchSettings dispatch, Clock clock,
                                      List<HttpPipelinePolicy> storagePolicies) {
        return create(settings, dispatch, TenancySettings.defaults(), clock, storagePolicies);
    }

    public static ControlPlane create(ControlPlaneSettings settings, DispatchSettings dispatch, TenancySettings tenancy, Clock clock,
                                      List<HttpPipelinePolicy> storagePolicies) {
        return create(settings, dispatch, tenancy, clock, storagePolicies,
                new TelemetrySetup.Installed(OpenTelemetry.noop(), TelemetrySettings.Exporter.NONE));
    }

    /** @param telemetry what spans and metrics go to; the control plane closes it when it closes */
    public static ControlPlane create(ControlPlaneSettings settings, DispatchSettings dispatch, TenancySettings tenancy, Clock clock,
                                      List<HttpPipelinePolicy> storagePolicies,
                                      TelemetrySetup.Installed telemetry) {
        return create(settings, dispatch, tenancy, clock, storagePolicies, telemetry, null);
    }

    /**
     * From setting values, with how the instances reach each region's dispatcher given (tests: the
     * fake bus and election several instances of one test share).
     */
    public static ControlPlane create(Map<String, String> values, Dispatching dispatching) {
        ControlPlaneSettings settings = ControlPlaneSettings.from(values);
        return create(settings, DispatchSettings.from(values), TenancySettings.from(values, settings), TableStorage.ticking(Clock.systemUTC()),
                List.of(), new TelemetrySetup.Installed(OpenTelemetry.noop(),
                        TelemetrySettings.Exporter.NONE), Objects.requireNonNull(dispatching));
    }

    private static ControlPlane create(ControlPlaneSettings settings, DispatchSettings dispatch, TenancySettings tenancy, Clock clock,
                                       List<HttpPipelinePolicy> storagePolicies,
                                       TelemetrySetup.Installed telemetry, Dispatching given) {
        tenancy.requireSafeFor(settings);
        Telemetry reporting = Telemetry.of(telemetry.openTelemetry(), clock);
        ObjectMapper json = Json.mapper();
        TableStorage storage = TableStorage.connect(settings.storage().connectionString(), settings.storage().tableEndpoint(),
                settings.storage().tablePrefix(), json, storagePolicies).ensureTables();
        IntakeQueue intake = Messaging.intakeQueue(settings, json);
        // What this instance publishes it also handles itself at once (wake local agents, schedule a
        // preemption check); the queue carries it to the other instances.
        LocalEcho echo = new LocalEcho(intake);
        AgentChannel channel = Messaging.agentChannel(settings, json, clock);
        Dispatching dispatching = given != null ? given : dispatching(settings, dispatch, json);
        ThreadPoolExecutor background = new ThreadPoolExecutor(2, 4, 30,
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(10_000), r -> {
                    Thread t = new Thread(r, "controlplane-background");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
        UseCases app = UseCases.wire(new UseCases.Stores(storage.jobStore(), storage.agentStore(), storage.readyQueue(),
                storage.tenantStore(), storage.mappingStore(), storage.leaseExpiries()), echo, settings.regions(), dispatch, tenancy, clock, background, channel,
                reporting, dispatching);
        Map<String, ReadinessCheck> readiness = new LinkedHashMap<>();
        readiness.put("tableStorage", storage::ping);
        // Not ready from the moment a stop begins, so a load balancer sends nothing new meanwhile.
        AtomicBoolean stopping = new AtomicBoolean();
        readiness.put("host", () -> {
            if (stopping.get()) {
                throw new IllegalStateException("stopping");
            }
        });
        HttpApi api = HttpApi.create(new HttpApi.Dependencies(app,
                new JobSpecValidator(settings.regions(), settings.maxSpecBytes(), json,
                        new EndpointHosts(settings.allowedPrivateHosts())),
                tokenValidator(settings.auth()), readiness, json, settings.maxRequestBytes(), clock, reporting));
        ControlPlane controlPlane = new ControlPlane(settings, api, app, intake, background, channel, telemetry, stopping);
        controlPlane.echo = echo;
        controlPlane.dispatching = dispatching;
        echo.target = controlPlane;
        app.dispatcher().onHandled(controlPlane::handledHere);
        dispatching.leadership().start();
        return controlPlane;
    }

    /** A name for this instance among those sharing the storage account (its offers queue, its blob leases). */
    private static final String INSTANCE_ID = UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    private Dispatching dispatching;

    /** Who decides each region's assignments, per {@code DISPATCH_LEADERSHIP}, and how events and offers cross instances. */
    private static Dispatching dispatching(ControlPlaneSettings settings, DispatchSettings dispatch,
                                                               ObjectMapper json) {
        if (dispatch.leadership() == DispatchSettings.Leadership.SOLO) {
            return Dispatching.solo();
        }
        String instanceId = INSTANCE_ID + Integer.toHexString(INSTANCES.incrementAndGet());
        RegionLeadership leadership = dispatch.leadership() == DispatchSettings.Leadership.EVENTS
                ? RegionLeadership.byEvents()
                : Messaging.leadership(settings, instanceId);
        return new Dispatching(leadership, Messaging.dispatchBus(settings, json),
                Messaging.agentInbox(settings, json, instanceId));
    }

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    /** An event this instance's dispatcher handled as the region's: a Platinum or Premium job gets its preemption check. */
    private void handledHere(DispatchEvent event) {
        if (event instanceof DispatchEvent.Ready ready && ready.tier() != Tier.Standard) {
            schedulePreemptionCheck(ready.region(), app.dispatchSettings().preemptAfter().toMillis());
        }
    }

    /**
     * An event for a region's dispatcher, delivered to this instance by the host (Functions: the
     * session-triggered dispatch function, one region's events at a time).
     */
    public void onDispatch(DispatchEvent event) {
        app.dispatcher().handle(event);
    }

    /** Publishes to the real queue, then hands the message to this instance too. */
    private static final class LocalEcho implements IntakeQueue {
        private final IntakeQueue queue;
        private volatile ControlPlane target;

        LocalEcho(IntakeQueue queue) {
            this.queue = queue;
        }

        /**
         * The queue's round trips on threads of their own: a queue that is slow or retrying must not
         * hold the threads that run the dispatcher's runs and the claims' clean-up.
         */
        private final ThreadPoolExecutor sending = new ThreadPoolExecutor(2, 2, 30,
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(10_000), r -> {
                    Thread t = new Thread(r, "intake-publish");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.CallerRunsPolicy());

        @Override
        public void publish(IntakeMessage message) {
            // Here first (it only schedules work), then the queue's round trip for the others.
            try {
                ControlPlane local = target;
                if (local != null) {
                    local.onIntake(message);
                }
            } finally {
                sending.execute(() -> {
                    try {
                        queue.publish(message);
                    } catch (RuntimeException e) {
                        // The ready entry is stored: the other instances' looks at the ready set still find the job.
                        LoggerFactory.getLogger(ControlPlane.class).warn(
                                "event=intake_publish_failed jobId={} tenant={} region={} error={}", message.jobId(),
                                message.tenantId(), message.region(), e.toString());
                    }
                });
            }
        }

        void drain() {
            sending.shutdown();
            try {
                sending.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public Subscription subscribe(Consumer<IntakeMessage> handler) {
            return queue.subscribe(handler);
        }
    }

    private static void closeQuietly(AutoCloseable part) {
        try {
            part.close();
        } catch (Exception e) {
            LoggerFactory.getLogger(ControlPlane.class).warn("event=close_failed part={} error={}",
                    part.getClass().getSimpleName(), e.toString());
        }
    }

    static TokenValidator tokenValidator(AuthSettings settings) {
        if (settings.usesDevIssuer()) {
            return DevIssuer.loadOrCreate(Path.of(settings.devIssuerKeyFile()), settings.issuer(), settings.audience())
                    .validator();
        }
        if (settings.usesOpenIdMetadata()) {
            OpenIdTokenValidator validator = new OpenIdTokenValidator(url(settings.metadataUrl(),
                    ControlPlaneSettings.AUTH_METADATA_URL), settings.audiences(), settings.allowedTenants());
            // One attempt now, so a wrong URL shows in the start-up log; an issuer outage must not
            // stop the host: requests answer 503 auth-unavailable and retry the fetch until it works.
            validator.tryLoad();
            return new OperatorRoles(validator, settings.operatorTenants());
        }
        return new OperatorRoles(new JwtTokenValidator(settings.issuer(), settings.audiences(), settings.allowedTenants(),
                RemoteKeys.of(url(settings.jwksUrl(), ControlPlaneSettings.AUTH_JWKS_URL))), settings.operatorTenants());
    }

    private static URL url(String value, String setting) {
        try {
            return URI.create(value).toURL();
        } catch (IllegalArgumentException | MalformedURLException e) {
            throw new IllegalArgumentException(setting + " is not a URL", e);
        }
    }

    public HttpApi api() {
        return api;
    }

    public UseCases app() {
        return app;
    }

    public IntakeQueue intake() {
        return intake;
    }

    /** An intake message arrived: this instance's dispatcher learns of the job (work queued elsewhere). */
    public void onIntake(IntakeMessage message) {
        if (!settings.regions().contains(message.region())) {
            return;
        }
        boolean decidedHere = app.dispatcher().intake(message);
        if (decidedHere && message.tier() != Tier.Standard) {
            // If no agent takes it within the preemption delay, make room for it now rather than at
            // the next reconcile pass. The check skips a job that an agent with a free slot may take
            // (one the dispatcher is placing it with, or about to), so it needs no margin after the delay.
            schedulePreemptionCheck(message.region(), app.dispatchSettings().preemptAfter().toMillis());
        }
    }

    private final PreemptionChecks preemptionChecks = new PreemptionChecks();

    private void schedulePreemptionCheck(String region, long delayMs) {
        Instant now = Instant.now();
        preemptionChecks.request(region, now.plusMillis(delayMs)).ifPresent(at -> {
            try {
                timers.schedule(() -> {
                    preemptionChecks.running(region, Instant.now());
                    try {
                        app.preemption().run(region);
                    } catch (RuntimeException e) {
                        LoggerFactory.getLogger(ControlPlane.class)
                                .warn("event=preemption_failed region={} error={}", region, e.toString());
                    }
                }, Math.max(0, Duration.between(now, at).toMillis()), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closing) {
                preemptionChecks.running(region, now);
            }
        });
    }

    private final ScheduledExecutorService timers =
            Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "controlplane-timers");
                t.setDaemon(true);
                return t;
            });

    /** One reconcile pass over every served region, then the retention purge when one is due. */
    public List<Reconcile.Report> reconcile() {
        if (dispatching.leadership().eventsLead()) {
            // The dispatchers' timer: each region's looks again (back-offs that ended, events lost).
            Instant now = Instant.now();
            settings.regions().forEach(r -> dispatching.bus().send(new DispatchEvent.Tick(r, now)));
        }
        List<Reconcile.Report> reports = app.reconcile().run();
        try {
            app.retention().purgeIfDue();
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(ControlPlane.class).warn("event=retention_purge_failed error={}", e.toString());
        }
        return reports;
    }

    public ControlPlaneSettings settings() {
        return settings;
    }

    /**
     * The first step of a stop: readiness answers 503 from now on, every parked long poll is
     * answered empty at once and new ones are answered empty without waiting, and every event
     * stream ends (its clients reconnect elsewhere). Requests in flight go on; {@link #close()}
     * comes after them.
     */
    public void beginStop() {
        stopping.set(true);
        app.longPolls().stop();
        app.events().stop();
        app.heartbeat().stopWaiting();
    }

    public boolean stopping() {
        return stopping.get();
    }

    @Override
    public void close() {
        // First: another instance takes this one's regions at once, not when the leases lapse.
        closeQuietly(dispatching.leadership());
        timers.shutdownNow();
        app.close();
        background.shutdown();
        if (echo != null) {
            echo.drain(); // what was published is sent before the queue closes
        }
        intake.close();
        closeQuietly(dispatching.bus());
        closeQuietly(dispatching.inbox());
        try {
            channel.close();
        } catch (Exception e) {
            LoggerFactory.getLogger(ControlPlane.class).warn("event=agent_channel_close_failed error={}", e.toString());
        }
        // Last: what the shutdown itself reported is flushed too.
        telemetry.close();
    }
}
