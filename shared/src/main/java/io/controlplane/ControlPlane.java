package io.controlplane;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import io.controlplane.adapters.tables.TableStorage;
import io.controlplane.api.HttpApi;
import io.controlplane.api.Json;
import io.controlplane.api.ReadinessCheck;
import io.controlplane.api.auth.DevIssuer;
import io.controlplane.api.auth.JwtTokenValidator;
import io.controlplane.api.auth.TokenValidator;
import io.controlplane.app.CancelJob;
import io.controlplane.app.JobIdGenerator;
import io.controlplane.app.JobQueries;
import io.controlplane.app.SubmitJob;
import io.controlplane.config.ControlPlaneSettings;
import io.controlplane.ports.JobStore;
import io.controlplane.validation.JobSpecValidator;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * The composition root both hosts use: builds adapters, use cases and the HTTP API from settings.
 * Hosts hold one instance and pass requests to {@link #api()}.
 */
public final class ControlPlane {

    private final ControlPlaneSettings settings;
    private final HttpApi api;
    private final JobStore jobs;

    private ControlPlane(ControlPlaneSettings settings, HttpApi api, JobStore jobs) {
        this.settings = settings;
        this.api = api;
        this.jobs = jobs;
    }

    public static ControlPlane create(ControlPlaneSettings settings) {
        return create(settings, Clock.systemUTC());
    }

    public static ControlPlane create(ControlPlaneSettings settings, Clock clock) {
        ObjectMapper json = Json.mapper();
        TableStorage storage = TableStorage.connect(settings.storageConnectionString(), settings.tableEndpoint(),
                settings.tablePrefix(), json).ensureTables();
        JobStore jobs = storage.jobStore();
        HttpApi api = HttpApi.create(new HttpApi.Dependencies(
                new SubmitJob(jobs, new JobIdGenerator(clock), clock),
                new JobQueries(jobs),
                new CancelJob(jobs, clock),
                new JobSpecValidator(settings.regions(), settings.maxSpecBytes(), json),
                tokenValidator(settings),
                Map.<String, ReadinessCheck>of("tableStorage", storage::ping),
                json,
                settings.maxRequestBytes()));
        return new ControlPlane(settings, api, jobs);
    }

    static TokenValidator tokenValidator(ControlPlaneSettings settings) {
        if (settings.usesDevIssuer()) {
            return DevIssuer.loadOrCreate(Path.of(settings.devIssuerKeyFile()), settings.authIssuer(), settings.authAudience())
                    .validator();
        }
        try {
            // Cached, rate-limited, refreshed when a token names an unknown key id.
            JWKSource<SecurityContext> keys = JWKSourceBuilder
                    .<SecurityContext>create(URI.create(settings.authJwksUrl()).toURL())
                    .retrying(true)
                    .build();
            return new JwtTokenValidator(settings.authIssuer(), settings.authAudience(), keys);
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(ControlPlaneSettings.AUTH_JWKS_URL + " is not a URL", e);
        }
    }

    public HttpApi api() {
        return api;
    }

    public JobStore jobs() {
        return jobs;
    }

    public ControlPlaneSettings settings() {
        return settings;
    }
}
