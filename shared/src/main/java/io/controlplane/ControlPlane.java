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
import io.controlplane.app.Reconcile;
import io.controlplane.app.UseCases;
import io.controlplane.config.AuthSettings;
import io.controlplane.config.ControlPlaneSettings;
import io.controlplane.config.DispatchSettings;
import io.controlplane.config.TelemetrySettings;
import io.controlplane.config.TenancySettings;
import io.controlplane.ports.AgentChannel;
import io.controlplane.ports.DispatchEvent;
import io.controlplane.ports.IntakeMessage;
import io.controlplane.ports.IntakeQueue;
import io.controlplane.ports.RegionLeadership;
import io.controlplane.telemetry.Telemetry;
import io.controlplane.telemetry.TelemetrySetup;
import io.controlplane.validation.EndpointHosts;
import io.controlplane.validation.JobSpecValidator;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;

/**
 * The composition root both hosts use: builds adapters, use cases and the HTTP API from settings
 * ({@link #builder}), and nothing else: what runs between requests (preemption timers, reconcile
 * passes, the intake echo) lives in {@code app}. Hosts hold one instance, pass requests to
 * {@link #api()}, intake messages to {@link #onIntake}, dispatch events to {@link #onDispatch},
 * and call {@link #reconcile()} on their timer.
 */
public final class ControlPlane implements AutoCloseable {

    /** A name for this instance among those sharing the storage account (its offers queue, its blob leases). */
    private static final String INSTANCE_ID = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final ControlPlaneSettings settings;
    private final HttpApi api;
    private final UseCases app;
    private final IntakeQueue intake;
    /** Null when the builder was given the executor: its owner shuts it down. */
    private final ExecutorService ownBackground;
    private final AgentChannel channel;
    private final Dispatching dispatching;
    private final TelemetrySetup.Installed telemetry;
    /** Set from the moment a stop begins: readiness answers 503. */
    private final AtomicBoolean stopping;

    private ControlPlane(ControlPlaneSettings settings, HttpApi api, UseCases app, IntakeQueue intake,
                         ExecutorService ownBackground, AgentChannel channel, Dispatching dispatching,
                         TelemetrySetup.Installed telemetry, AtomicBoolean stopping) {
        this.settings = settings;
        this.api = api;
        this.app = app;
        this.intake = intake;
        this.ownBackground = ownBackground;
        this.channel = channel;
        this.dispatching = dispatching;
        this.telemetry = telemetry;
        this.stopping = stopping;
    }

    /**
     * A control plane from setting values (environment, app settings, local.settings.json): every
     * setting is read from them; the builder's other options have defaults.
     */
    public static Builder builder(Map<String, String> values) {
        return new Builder(values);
    }

    /**
     * The options of a control plane besides its settings, each with a default, in the manner of
     * the Azure SDK's client builders.
     */
    public static final class Builder {
        private final Map<String, String> values;
        private Clock clock;
        private ExecutorService background;
        private TelemetrySetup.Installed telemetry;
        private final List<HttpPipelinePolicy> storagePolicies = new ArrayList<>();
        private Dispatching dispatching;

        private Builder(Map<String, String> values) {
            this.values = new LinkedHashMap<>(Objects.requireNonNull(values, "values"));
        }

        /** Default: the system clock, ticking in steps storage keeps ({@link TableStorage#ticking}). */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value);
            return this;
        }

        /**
         * Runs the work that need not hold up a request (queue clean-up, intake publishing); the
         * caller shuts it down. Default: a pool of 2 to 4 daemon threads the control plane owns.
         */
        public Builder background(ExecutorService value) {
            this.background = Objects.requireNonNull(value);
            return this;
        }

        /**
         * What spans and metrics go to; the control plane closes it when it closes. Default: the
         * exporter the settings configure (Azure Monitor, OTLP or the log), see {@link TelemetrySettings}.
         */
        public Builder telemetry(TelemetrySetup.Installed value) {
            this.telemetry = Objects.requireNonNull(value);
            return this;
        }

        /** One more policy in the storage clients' pipelines (benchmarks count requests; fault tests inject failures). */
        public Builder addPolicy(HttpPipelinePolicy policy) {
            storagePolicies.add(Objects.requireNonNull(policy));
            return this;
        }

        /**
         * How the instances reach each region's dispatcher (tests: the fake bus and election several
         * instances share). Default: per {@code DISPATCH_LEADERSHIP}.
         */
        public Builder dispatching(Dispatching value) {
            this.dispatching = Objects.requireNonNull(value);
            return this;
        }

        /**
         * Connects to storage (creating the tables it lacks), starts the region leadership and
         * returns the running control plane.
         *
         * @throws IllegalArgumentException naming every invalid setting
         */
        public ControlPlane build() {
            ControlPlaneSettings settings = ControlPlaneSettings.from(values);
            DispatchSettings dispatch = DispatchSettings.from(values);
            TenancySettings tenancy = TenancySettings.from(values, settings);
            tenancy.requireSafeFor(settings);
            TelemetrySetup.Installed installed = telemetry != null ? telemetry : installTelemetry(settings);
            try {
                return assemble(settings, dispatch, tenancy, installed);
            } catch (RuntimeException e) {
                installed.close();
                throw e;
            }
        }

        private TelemetrySetup.Installed installTelemetry(ControlPlaneSettings settings) {
            TelemetrySettings telemetrySettings = TelemetrySettings.from(values);
            TelemetrySetup.Installed installed = TelemetrySetup.install(telemetrySettings, settings.regions(),
                    settings.environment().name());
            LoggerFactory.getLogger(ControlPlane.class).info(
                    "event=telemetry exporter={} entraAuthentication={} serviceName={} metricIntervalMs={}",
                    installed.exporter(), telemetrySettings.entraAuthentication(), telemetrySettings.serviceName(),
                    telemetrySettings.metricInterval().toMillis());
            return installed;
        }

        private ControlPlane assemble(ControlPlaneSettings settings, DispatchSettings dispatch, TenancySettings tenancy,
                                      TelemetrySetup.Installed installed) {
            Clock clock = this.clock != null ? this.clock : TableStorage.ticking(Clock.systemUTC());
            Telemetry reporting = Telemetry.of(installed.openTelemetry(), clock);
            ObjectMapper json = Json.mapper();
            TableStorage storage = TableStorage.connect(settings.storage().connectionString(), settings.storage().tableEndpoint(),
                    settings.storage().tablePrefix(), json, List.copyOf(storagePolicies)).ensureTables();
            IntakeQueue intake = Messaging.intakeQueue(settings, json);
            AgentChannel channel = Messaging.agentChannel(settings, json, clock);
            Dispatching dispatching = this.dispatching != null ? this.dispatching : ControlPlane.dispatching(settings, dispatch, json);
            ExecutorService ownBackground = background == null ? backgroundPool() : null;
            UseCases app = UseCases.builder(new UseCases.Stores(storage.jobStore(), storage.agentStore(), storage.readyQueue(),
                            storage.tenantStore(), storage.mappingStore(), storage.leaseExpiries()), intake, settings.regions())
                    .dispatch(dispatch).tenancy(tenancy).clock(clock)
                    .background(ownBackground != null ? ownBackground : background)
                    .channel(channel).telemetry(reporting).dispatching(dispatching)
                    .echoIntake(true)
                    .build();
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
            dispatching.leadership().start();
            return new ControlPlane(settings, api, app, intake, ownBackground, channel, dispatching, installed, stopping);
        }
    }

    private static ExecutorService backgroundPool() {
        return new ThreadPoolExecutor(2, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(10_000), r -> {
            Thread t = new Thread(r, "controlplane-background");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
    }

    /** Who decides each region's assignments, per {@code DISPATCH_LEADERSHIP}, and how events and offers cross instances. */
    private static Dispatching dispatching(ControlPlaneSettings settings, DispatchSettings dispatch, ObjectMapper json) {
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

    /**
     * An event for a region's dispatcher, delivered to this instance by the host (Functions: the
     * session-triggered dispatch function, one region's events at a time).
     */
    public void onDispatch(DispatchEvent event) {
        app.localDispatch().onDispatch(event);
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
        app.localDispatch().onIntake(message);
    }

    /** One reconcile pass over every served region, then the retention purge when one is due. */
    public List<Reconcile.Report> reconcile() {
        return app.reconcilePass().run();
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
        app.stopWaiting();
    }

    public boolean stopping() {
        return stopping.get();
    }

    @Override
    public void close() {
        // First: another instance takes this one's regions at once, not when the leases lapse.
        closeQuietly(dispatching.leadership());
        app.close(); // its timers first; what it published is sent before the queue closes
        if (ownBackground != null) {
            ownBackground.shutdown();
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
