package io.controlplane.testing;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import reactor.core.publisher.Mono;

/** A storage pipeline policy that looks at each request (to count, record or act on it) and sends it on unchanged. */
public abstract class ObservingPolicy implements HttpPipelinePolicy {

    /** Called before the request is sent, on the sending thread. */
    protected abstract void see(HttpPipelineCallContext context);

    @Override
    public final Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        see(context);
        return next.process();
    }

    @Override
    public final HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
        see(context);
        return next.processSync();
    }
}
