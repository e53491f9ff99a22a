package io.controlplane.bench;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import reactor.core.publisher.Mono;

/** Counts storage requests by method (an entity group transaction is one request, as Azure bills it). */
final class RequestCounter implements HttpPipelinePolicy {

    private final Map<String, LongAdder> byMethod = new ConcurrentHashMap<>();

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
        String kind = url.endsWith("/$batch") ? "BATCH" : method;
        byMethod.computeIfAbsent(kind, k -> new LongAdder()).increment();
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
    }
}
