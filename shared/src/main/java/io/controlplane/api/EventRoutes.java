package io.controlplane.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.app.Caller;
import io.controlplane.app.JobEvents;
import io.controlplane.app.JobEvents.Scope;
import io.controlplane.app.JobQueries;
import io.controlplane.app.UseCases;
import io.controlplane.domain.FieldError;
import io.controlplane.domain.ValidationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * The job event routes: a tenant's events and one job's, as Server-Sent Events (kept open by a host
 * that can stream; the first events within a bounded wait on one that cannot) or, with
 * {@code Accept: application/json}, as a long poll. Both resume after {@code Last-Event-ID}.
 */
final class EventRoutes {

    /** Longest wait of a long poll (and of a stream on a host that cannot keep one open). */
    static final int MAX_WAIT_SECONDS = 30;
    static final int DEFAULT_WAIT_SECONDS = 25;
    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    /** An open stream ends after this; its client reconnects (with a token that is still valid). */
    static final Duration LIFETIME = Duration.ofMinutes(10);
    /** Encoded frames kept, so a burst is encoded once for all its streams. */
    private static final int FRAMES_KEPT = 4096;
    private static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final Set<String> READERS = Set.of(Roles.JOBS_READ, Roles.JOBS_MANAGE);
    private static final Set<String> WATCHERS = Set.of(Roles.JOBS_READ, Roles.JOBS_MANAGE, Roles.ADMIN);

    private final JobEvents events;
    private final JobQueries queries;
    private final EventFrames frames;
    private final Responses responses;

    EventRoutes(UseCases app, ObjectMapper json, Responses responses) {
        this.events = app == null ? null : app.events();
        this.queries = app == null ? null : app.jobQueries();
        this.frames = new EventFrames(json, FRAMES_KEPT);
        this.responses = responses;
    }

    List<Route> routes() {
        return List.of(
                Route.securedAsync("GET", "/api/events", WATCHERS, this::tenantEvents),
                Route.securedAsync("GET", "/api/jobs/{jobId}/events", READERS, this::jobEvents));
    }

    private CompletableFuture<ApiResponse> tenantEvents(ApiRequest request, Caller caller, Map<String, String> params) {
        List<FieldError> errors = new ArrayList<>();
        boolean allTenants = QueryParams.flag(request, "allTenants", errors);
        Asked asked = asked(request, errors);
        if (allTenants && !caller.hasRole(Roles.ADMIN)) {
            throw new ApiException(ProblemType.FORBIDDEN, "Every tenant's events need the role " + Roles.ADMIN + ".");
        }
        if (!allTenants && READERS.stream().noneMatch(caller::hasRole)) {
            throw new ApiException(ProblemType.FORBIDDEN, "A tenant's events need one of the roles " + READERS
                    + "; with " + Roles.ADMIN + ", ask for every tenant's with allTenants=true.");
        }
        return answer(allTenants ? Scope.everyTenant() : Scope.tenant(caller.tenantId()), asked);
    }

    private CompletableFuture<ApiResponse> jobEvents(ApiRequest request, Caller caller, Map<String, String> params) {
        List<FieldError> errors = new ArrayList<>();
        Asked asked = asked(request, errors);
        String jobId = params.get("jobId");
        queries.get(caller, jobId); // another tenant's job, or none: 404
        return answer(Scope.job(caller.tenantId(), jobId), asked);
    }

    /** What the request asks: where to resume, how long a long poll waits, and whether it is one. */
    private record Asked(String lastEventId, Integer waitSeconds, boolean longPoll) {
    }

    private static Asked asked(ApiRequest request, List<FieldError> errors) {
        String header = request.header("Last-Event-ID");
        String last = header != null && !header.isBlank() ? header.trim() : request.queryParam("lastEventId");
        if (last != null && !EVENT_ID.matcher(last).matches()) {
            errors.add(new FieldError(header != null && !header.isBlank() ? "Last-Event-ID" : "lastEventId",
                    "must be an event id as the stream gave it (letters, digits and '-', at most 64)"));
        }
        int wait = QueryParams.waitSeconds(request, MAX_WAIT_SECONDS, -1, errors);
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        return new Asked(last, wait < 0 ? null : wait, wantsJson(request.header("Accept")));
    }

    /** JSON when the client asks for it and not for an event stream. */
    private static boolean wantsJson(String accept) {
        return accept != null && accept.contains(Responses.JSON) && !accept.contains(EventStream.CONTENT_TYPE);
    }

    private CompletableFuture<ApiResponse> answer(Scope scope, Asked asked) {
        // A long poll (and a stream a host cannot keep open) waits up to waitSeconds; an open stream
        // lasts that long when it is given.
        Duration wait = Duration.ofSeconds(asked.waitSeconds() == null ? DEFAULT_WAIT_SECONDS : asked.waitSeconds());
        Duration lifetime = asked.waitSeconds() == null ? LIFETIME : wait;
        if (asked.longPoll()) {
            return EventStream.first(events, scope, asked.lastEventId(), wait).thenApply(batch -> {
                String last = batch.isEmpty() ? (asked.lastEventId() == null ? events.latestId() : asked.lastEventId())
                        : batch.get(batch.size() - 1).id();
                return responses.json(200, new Polled(batch.stream().map(EventView::of).toList(), last));
            });
        }
        EventStream stream = new EventStream(events, scope, asked.lastEventId(), frames, HEARTBEAT, lifetime, wait);
        return CompletableFuture.completedFuture(new ApiResponse(200, Map.of("Content-Type", EventStream.CONTENT_TYPE,
                "X-Accel-Buffering", "no"), null, stream));
    }

    /** A long poll's answer: the events, and the id to ask after next time. */
    record Polled(List<EventView> events, String lastEventId) {
    }

}
