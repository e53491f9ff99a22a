package io.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.controlplane.app.Caller;
import io.controlplane.app.FindMappings;
import io.controlplane.app.RecordMappings;
import io.controlplane.app.UseCases;
import io.controlplane.domain.FieldError;
import io.controlplane.domain.IdMapping;
import io.controlplane.domain.JobNotFoundException;
import io.controlplane.domain.Page;
import io.controlplane.domain.ValidationException;
import io.controlplane.ports.MappingStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** ID mappings: agents record and read them by lease, clients read them by job. */
final class MappingRoutes {

    static final int DEFAULT_LIMIT = 50;
    /** As {@link JobRoutes}: a path id that could never have been issued is simply not found. */
    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Set<String> AGENTS = Set.of(Roles.AGENTS_RUN);
    private static final Set<String> READERS = Set.of(Roles.JOBS_READ, Roles.JOBS_MANAGE);

    private final UseCases app;
    private final RequestBodies bodies;
    private final Responses responses;

    MappingRoutes(UseCases app, RequestBodies bodies, Responses responses) {
        this.app = app;
        this.bodies = bodies;
        this.responses = responses;
    }

    List<Route> routes() {
        return List.of(
                Route.secured("POST", "/api/leases/{leaseId}/mappings", AGENTS, this::record),
                Route.secured("GET", "/api/leases/{leaseId}/mappings", AGENTS, this::findForLease),
                Route.secured("GET", "/api/jobs/{jobId}/mappings", READERS, this::findForJob));
    }

    private ApiResponse record(ApiRequest request, Caller caller, Map<String, String> params) {
        JsonNode body = bodies.read(request, true);
        List<FieldError> errors = new ArrayList<>();
        List<IdMapping> items = items(body, errors);
        Set<String> reported = new HashSet<>();
        errors.forEach(e -> reported.add(e.field()));
        if (items != null) {
            RecordMappings.problems(items).stream().filter(e -> !reported.contains(e.field())).forEach(errors::add);
        }
        if (!errors.isEmpty()) {
            errors.sort(Comparator.comparingInt(MappingRoutes::itemIndex).thenComparingInt(MappingRoutes::fieldRank));
            throw new ValidationException(errors);
        }
        MappingStore.Recorded recorded = app.recordMappings().record(caller, params.get("leaseId"), items);
        return responses.json(200, new RecordedView(recorded.recorded(), recorded.alreadyPresent()));
    }

    private static int itemIndex(FieldError error) {
        String field = error.field();
        if (!field.startsWith("items[")) {
            return -1;
        }
        return Integer.parseInt(field.substring("items[".length(), field.indexOf(']')));
    }

    private static int fieldRank(FieldError error) {
        return List.of(".type", ".sourceId", ".targetId").indexOf(error.field().substring(Math.max(0, error.field().lastIndexOf('.'))));
    }

    /**
     * The body's items, a value missing or of the wrong JSON type as null (the use case's rules
     * then say what is wrong with the rest); null when {@code items} is no list of at most the limit.
     */
    private static List<IdMapping> items(JsonNode body, List<FieldError> errors) {
        JsonNode items = body.isObject() ? body.get("items") : null;
        if (!body.isObject()) {
            errors.add(new FieldError("", "the body must be a JSON object"));
            return null;
        }
        if (items == null || !items.isArray() || items.isEmpty() || items.size() > MappingStore.MAX_ITEMS_PER_CALL) {
            errors.add(new FieldError("items", "must be an array of 1 to " + MappingStore.MAX_ITEMS_PER_CALL
                    + " mappings { type, sourceId, targetId }"));
            return null;
        }
        List<IdMapping> parsed = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            if (!item.isObject()) {
                errors.add(new FieldError("items[" + i + "]", "must be an object { type, sourceId, targetId }"));
                parsed.add(null);
                continue;
            }
            String at = "items[" + i + "].";
            parsed.add(new IdMapping(text(item, "type", at, errors), text(item, "sourceId", at, errors),
                    text(item, "targetId", at, errors)));
        }
        return parsed;
    }

    private static String text(JsonNode item, String field, String at, List<FieldError> errors) {
        JsonNode value = item.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            errors.add(new FieldError(at + field, "must be a string (send numeric ids as text, e.g. \"123\")"));
            return null;
        }
        return value.asText();
    }

    private ApiResponse findForLease(ApiRequest request, Caller caller, Map<String, String> params) {
        FindMappings.Query query = query(request);
        return page(app.findMappings().forLease(caller, params.get("leaseId"), query));
    }

    private ApiResponse findForJob(ApiRequest request, Caller caller, Map<String, String> params) {
        String jobId = params.get("jobId");
        if (!JOB_ID.matcher(jobId).matches()) {
            String shown = jobId.replaceAll("\\p{Cntrl}", "?");
            throw new JobNotFoundException(shown.length() > 64 ? shown.substring(0, 64) + "..." : shown);
        }
        FindMappings.Query query = query(request);
        return page(app.findMappings().forJob(caller, jobId, query));
    }

    private static FindMappings.Query query(ApiRequest request) {
        String rawLimit = request.queryParam("limit");
        int limit = DEFAULT_LIMIT;
        if (rawLimit != null) {
            try {
                limit = Integer.parseInt(rawLimit);
            } catch (NumberFormatException e) {
                limit = 0; // out of range: reported with the query's other problems
            }
        }
        FindMappings.Query query = new FindMappings.Query(request.queryParam("type"), request.queryParam("sourceId"),
                request.queryParam("targetId"), limit, request.queryParam("continuationToken"));
        List<FieldError> errors = query.problems();
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        return query;
    }

    private ApiResponse page(Page<IdMapping> page) {
        List<MappingView> items = page.items().stream()
                .map(m -> new MappingView(m.type(), m.sourceId(), m.targetId()))
                .toList();
        return responses.json(200, new MappingPage(items, page.continuationToken()));
    }

    record RecordedView(int recorded, int alreadyPresent) {
    }

    record MappingView(String type, String sourceId, String targetId) {
    }

    record MappingPage(List<MappingView> items, String continuationToken) {
    }
}
