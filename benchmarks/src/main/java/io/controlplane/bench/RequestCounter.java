package io.controlplane.bench;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.util.BinaryData;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import reactor.core.publisher.Mono;

/**
 * Counts storage requests by method (an entity group transaction is one request, as Azure bills it),
 * and separately those of one watched table (a transaction's table is named inside its body).
 */
final class RequestCounter implements HttpPipelinePolicy {

    private final Map<String, LongAdder> byMethod = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> watchedByMethod = new ConcurrentHashMap<>();
    /** By method, table (its name without the instance's prefix) and, for a GET, point read or query. */
    private final Map<String, LongAdder> byTable = new ConcurrentHashMap<>();
    private volatile String watched;

    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        count(context);
        return next.process();
    }

    @Override
    public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
        count(context);
        return next.processSync();
    }

    private void count(HttpPipelineCallContext context) {
        String method = context.getHttpRequest().getHttpMethod().name();
        String url = context.getHttpRequest().getUrl().getPath();
        boolean batch = url.endsWith("/$batch");
        String kind = batch ? "BATCH" : method;
        byMethod.computeIfAbsent(kind, k -> new LongAdder()).increment();
        byTable.computeIfAbsent(kind + " " + tableOf(url, batch) + (method.equals("GET") ? (url.contains("(PartitionKey=") ? " point"
                : " query") : ""), k -> new LongAdder()).increment();
        String table = watched;
        if (table != null && (batch ? inBody(context, "/" + table) : url.contains("/" + table))) {
            watchedByMethod.computeIfAbsent(kind, k -> new LongAdder()).increment();
        }
    }

    private static boolean inBody(HttpPipelineCallContext context, String text) {
        BinaryData body = context.getHttpRequest().getBodyAsBinaryData();
        return body != null && body.toString().contains(text);
    }

    /** From now on, also counts the requests of {@code table} (its full name) apart; null stops it. */
    void watch(String table) {
        watchedByMethod.clear();
        watched = table;
    }

    long watchedTotal() {
        return watchedByMethod.values().stream().mapToLong(LongAdder::sum).sum();
    }

    Map<String, Long> watchedSnapshot() {
        Map<String, Long> copy = new TreeMap<>();
        watchedByMethod.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    /** The table a request's path names ({@code /account/table(...)}), its leading prefix letters dropped. */
    private static String tableOf(String path, boolean batch) {
        if (batch) {
            return "batch";
        }
        String[] parts = path.split("/");
        String last = parts.length == 0 ? "" : parts[parts.length - 1];
        int paren = last.indexOf('(');
        String table = paren < 0 ? last : last.substring(0, paren);
        // Prefixes are letters and digits before the table's own lower-case name: keep the known ending.
        for (String known : new String[] {"jobs", "history", "agents", "ready", "tenants", "mappings", "leases", "checkpoints",
                "quota", "idempotency"}) {
            if (table.toLowerCase(Locale.ROOT).endsWith(known)) {
                return known;
            }
        }
        return table;
    }

    /** Requests by method and table since the last {@link #reset}. */
    Map<String, Long> tableSnapshot() {
        Map<String, Long> copy = new TreeMap<>();
        byTable.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    long total() {
        return byMethod.values().stream().mapToLong(LongAdder::sum).sum();
    }

    Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        byMethod.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    void reset() {
        byMethod.clear();
        byTable.clear();
    }
}
