package io.controlplane.adapters.tables;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * The ETags a table transaction's answer gives each of its actions. The service answers every
 * action of an entity group transaction with its own status and {@code ETag} (in the multipart
 * body), but azure-data-tables' {@code TableTransactionActionResponse} keeps no headers, so the new
 * version of a row written in a transaction used to cost a read of that row afterwards (three point
 * reads per job: its claim, progress and completion writes). This pipeline policy reads them from
 * the answer when the call's {@link Context} carries a {@link Sink}; other calls pass untouched.
 */
final class BatchEtags implements HttpPipelinePolicy {

    static final String KEY = "io.controlplane.tables.batchEtags";

    /** Filled, after a transaction succeeded, with one ETag per action in order (null: the answer had none). */
    static final class Sink {
        private volatile List<String> etags = List.of();

        /** The ETag of action {@code index}, if the answer gave one. */
        Optional<String> etag(int index) {
            List<String> all = etags;
            return index < all.size() ? Optional.ofNullable(all.get(index)) : Optional.empty();
        }
    }

    /** The context of a transaction whose actions' ETags go to {@code sink}. */
    static Context context(Sink sink) {
        return Context.NONE.addData(KEY, sink);
    }

    @Override
    public HttpPipelinePosition getPipelinePosition() {
        return HttpPipelinePosition.PER_CALL;
    }

    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        Optional<Sink> sink = sinkOf(context);
        if (sink.isEmpty()) {
            return next.process();
        }
        return next.process().map(HttpResponse::buffer).flatMap(response -> response.getBodyAsString()
                .defaultIfEmpty("")
                .map(body -> {
                    fill(sink.get(), response, body);
                    return response;
                }));
    }

    @Override
    public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
        Optional<Sink> sink = sinkOf(context);
        if (sink.isEmpty()) {
            return next.processSync();
        }
        HttpResponse response = next.processSync().buffer();
        BinaryData body = response.getBodyAsBinaryData();
        fill(sink.get(), response, body == null ? "" : body.toString());
        return response;
    }

    private static Optional<Sink> sinkOf(HttpPipelineCallContext context) {
        return context.getData(KEY).filter(Sink.class::isInstance).map(Sink.class::cast);
    }

    private static void fill(Sink sink, HttpResponse response, String body) {
        if (response.getStatusCode() / 100 == 2) {
            sink.etags = parse(body);
        }
    }

    /** One entry per sub-response ({@code HTTP/1.1 <status>} line), its {@code ETag} header or null. */
    static List<String> parse(String multipart) {
        List<String> etags = new ArrayList<>();
        for (String line : multipart.split("\r?\n")) {
            if (line.startsWith("HTTP/1.1 ")) {
                etags.add(null);
            } else if (!etags.isEmpty() && line.toLowerCase(Locale.ROOT).startsWith("etag:")) {
                etags.set(etags.size() - 1, Etags.normalize(line.substring("etag:".length()).trim()));
            }
        }
        return etags;
    }
}
