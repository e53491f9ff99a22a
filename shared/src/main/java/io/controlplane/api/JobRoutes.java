package io.controlplane.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.controlplane.app.Caller;
import io.controlplane.app.CancelJob;
import io.controlplane.app.JobEstimates;
import io.controlplane.app.JobQueries;
import io.controlplane.app.SubmitJob;
import io.controlplane.app.UseCases;
import io.controlplane.domain.Checkpoint;
import io.controlplane.domain.FieldError;
import io.controlplane.domain.HistoryEntry;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobNotFoundException;
import io.controlplane.domain.JobSpec;
import io.controlplane.domain.JobState;
import io.controlplane.domain.Page;
import io.controlplane.domain.RegionName;
import io.controlplane.domain.Tier;
import io.controlplane.domain.ValidationException;
import io.controlplane.ports.JobFilter;
import io.controlplane.scheduling.WaitReasons;
import io.controlplane.validation.JobSpecValidator;
import io.controlplane.validation.SecretScanner;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/** The client routes of jobs: submit, list, read, history, cancel. */
final class JobRoutes {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Set<String> READERS = Set.of(Roles.JOBS_READ, Roles.JOBS_MANAGE);

    private final UseCases app;
    private final SubmitJob submit;
    private final JobQueries queries;
    private final CancelJob cancel;
    private final JobEstimates estimates;
    private final JobSpecValidator validator;
    private final RequestBodies bodies;
    private final Responses responses;

    JobRoutes(UseCases app, JobSpecValidator validator, RequestBodies bodies, Responses responses) {
        this.app = app;
        this.submit = app == null ? null : app.submitJob();
        this.queries = app == null ? null : app.jobQueries();
        this.cancel = app == null ? null : app.cancelJob();
        this.estimates = app == null ? null : new JobEstimates(app.dispatcher());
        this.validator = validator;
        this.bodies = bodies;
        this.responses = responses;
    }

    List<Route> routes() {
        return List.of(
                Route.secured("POST", "/api/jobs", Set.of(Roles.JOBS_SUBMIT), this::submit),
                Route.secured("GET", "/api/jobs", READERS, this::list),
                Route.secured("GET", "/api/jobs/{jobId}", READERS, this::get),
                Route.secured("DELETE", "/api/jobs/{jobId}", Set.of(Roles.JOBS_MANAGE), this::erase),
                Route.secured("GET", "/api/jobs/{jobId}/history", READERS, this::history),
                Route.secured("POST", "/api/jobs/{jobId}/cancel", Set.of(Roles.JOBS_MANAGE), this::cancel),
                Route.secured("POST", "/api/jobs/{jobId}/pause", Set.of(Roles.JOBS_MANAGE), this::pause),
                Route.secured("POST", "/api/jobs/{jobId}/resume", Set.of(Roles.JOBS_MANAGE), this::resume),
                Route.secured("GET", "/api/jobs/{jobId}/checkpoints", READERS, this::checkpoints));
    }

    private ApiResponse submit(ApiRequest request, Caller caller, Map<String, String> params) {
        List<FieldError> errors = new ArrayList<>();
        String key = request.header("Idempotency-Key");
        if (key != null && !IDEMPOTENCY_KEY.matcher(key).matches()) {
            errors.add(new FieldError("Idempotency-Key",
                    "must be 1 to 128 letters, digits, '.', '_', ':' or '-' (a UUID is a good choice)"));
        }
        boolean dryRun = QueryParams.flag(request, "dryRun", errors);
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        JsonNode body = bodies.read(request, true);
        JobSpec spec = validator.validate(body);
        if (dryRun) {
            // The same validation and entitlement checks as a submission, and nothing stored.
            submit.check(caller, spec);
            return responses.json(200, new DryRun(true, "The spec is valid and the tenant may submit it; nothing was stored."));
        }
        SubmitJob.Submitted submitted = submit.submit(caller, spec, key, key == null ? null : fingerprint(spec));
        Job job = submitted.job();
        ApiResponse response = responses.json(201, JobView.of(job)).withHeader("Location", "/api/jobs/" + job.id());
        return submitted.replayed() ? response.withHeader("Idempotent-Replayed", "true") : response;
    }

    /** The answer to a dry run that found nothing wrong. */
    record DryRun(boolean valid, String detail) {
    }

    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final ObjectMapper CANONICAL = Json.mapper()
            .copy().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /** The same spec, however its JSON was spaced or ordered, gives the same fingerprint. */
    static String fingerprint(JobSpec spec) {
        try {
            byte[] canonical = CANONICAL.writeValueAsBytes(spec);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("Cannot fingerprint a job spec", e);
        }
    }

    private ApiResponse list(ApiRequest request, Caller caller, Map<String, String> params) {
        List<FieldError> errors = new ArrayList<>();
        int limit = limit(request.queryParam("limit"), errors);
        JobState state = parse(request.queryParam("state"), "state", JobState::parse, JobState.values(), errors);
        Tier tier = parse(request.queryParam("tier"), "tier", Tier::parse, Tier.values(), errors);
        String region = request.queryParam("region");
        if (region != null && !RegionName.isValid(region)) {
            errors.add(new FieldError("region", "is not an Azure region name (lower-case letters and digits)"));
        }
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        Page<Job> page = queries.list(caller, new JobFilter(state, tier, region), limit, request.queryParam("continuationToken"));
        // Finish estimates only: a queued job's start needs its place in the queue, worked out per job.
        List<JobView> items = page.items().stream().map(j -> JobView.of(j, null, estimates.eta(j, null).orElse(null))).toList();
        return responses.json(200, new JobPage(items, page.continuationToken()));
    }

    private ApiResponse get(ApiRequest request, Caller caller, Map<String, String> params) {
        Job job = queries.get(caller, jobId(params));
        WaitReasons.Waiting waiting = app.dispatcher().whyWaiting(job).orElse(null);
        return responses.json(200, JobView.of(job, waiting, estimates.eta(job, waiting).orElse(null)));
    }

    private ApiResponse erase(ApiRequest request, Caller caller, Map<String, String> params) {
        app.eraseJob().erase(caller, jobId(params));
        return ApiResponse.empty(204);
    }

    private ApiResponse history(ApiRequest request, Caller caller, Map<String, String> params) {
        List<HistoryView> items = queries.history(caller, jobId(params)).stream().map(HistoryView::of).toList();
        return responses.json(200, new HistoryPage(items));
    }

    private ApiResponse cancel(ApiRequest request, Caller caller, Map<String, String> params) {
        String jobId = jobId(params);
        return responses.json(200, JobView.of(cancel.cancel(caller, jobId, reason(request))));
    }

    private ApiResponse pause(ApiRequest request, Caller caller, Map<String, String> params) {
        String jobId = jobId(params);
        return responses.json(200, JobView.of(app.pauseResume().pause(caller, jobId, reason(request))));
    }

    private ApiResponse resume(ApiRequest request, Caller caller, Map<String, String> params) {
        String jobId = jobId(params);
        return responses.json(200, JobView.of(app.pauseResume().resume(caller, jobId, reason(request))));
    }

    /**
     * The optional body of cancel, pause and resume: {@code { "reason": "..." }}, the caller's words
     * for the job's history (at most 500 characters, no control characters, nothing like a secret).
     */
    private String reason(ApiRequest request) {
        JsonNode body = bodies.read(request, false);
        if (body == null) {
            return null;
        }
        JsonNode given = body.isObject() ? body.get("reason") : null;
        if (!body.isObject() || (given != null && (!given.isTextual() || given.asText().length() > 500
                || given.asText().chars().anyMatch(Character::isISOControl)))) {
            throw new ValidationException(List.of(new FieldError("reason",
                    "optional; a string of at most 500 characters without control characters")));
        }
        if (given != null && SecretScanner.secretIn(given.asText()).isPresent()) {
            throw new ValidationException(List.of(new FieldError("reason",
                    "contains what looks like a raw secret; the reason is stored in the job's history")));
        }
        return given == null ? null : given.asText();
    }

    private ApiResponse checkpoints(ApiRequest request, Caller caller, Map<String, String> params) {
        List<CheckpointView> items = queries.checkpoints(caller, jobId(params)).stream().map(CheckpointView::of).toList();
        return responses.json(200, Map.of("items", items));
    }

    /** A checkpoint as clients and agents see it. */
    record CheckpointView(String name, String kind, Object data, long epoch, Instant updatedAt) {
        static CheckpointView of(Checkpoint c) {
            return new CheckpointView(c.name(), c.kind().name(), c.data(), c.epoch(), c.updatedAt());
        }
    }

    /** A path id that could never have been issued is simply not found. */
    private static String jobId(Map<String, String> params) {
        String jobId = params.get("jobId");
        if (!JOB_ID.matcher(jobId).matches()) {
            String shown = jobId.replaceAll("\\p{Cntrl}", "?");
            throw new JobNotFoundException(shown.length() > 64 ? shown.substring(0, 64) + "..." : shown);
        }
        return jobId;
    }

    static int limit(String value, List<FieldError> errors) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        errors.add(new FieldError("limit", "must be an integer from 1 to " + MAX_LIMIT));
        return DEFAULT_LIMIT;
    }

    private static <E extends Enum<E>> E parse(String value, String field, Function<String, Optional<E>> parser,
                                               E[] values, List<FieldError> errors) {
        if (value == null) {
            return null;
        }
        var parsed = parser.apply(value);
        if (parsed.isEmpty()) {
            errors.add(new FieldError(field, "must be one of " + Arrays.toString(values)));
        }
        return parsed.orElse(null);
    }

    record JobPage(List<JobView> items, String continuationToken) {
    }

    record HistoryPage(List<HistoryView> items) {
    }

    record HistoryView(long sequence, Instant at, String from, String to, String reason, String actor) {
        static HistoryView of(HistoryEntry e) {
            return new HistoryView(e.sequence(), e.at(), e.from() == null ? null : e.from().name(), e.to().name(),
                    e.reason(), e.actor());
        }
    }
}
