package io.controlplane.testing;

import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A storage pipeline policy that makes requests fail the way a busy or flaky service does, on each
 * try (so the SDK's retry policy, which runs before it, retries them): a 503 Server Busy before the
 * request reaches the service, or, worse, the request goes through and its answer is lost and
 * replaced by a 503 (a timeout after commit), so the retry meets its own earlier write.
 */
public final class StorageFaults implements HttpPipelinePolicy {

    private final Random random;
    private final double before;
    private final double after;
    private volatile boolean enabled = true;
    private int answersToLose;
    public final AtomicInteger failedBefore = new AtomicInteger();
    public final AtomicInteger failedAfter = new AtomicInteger();
    public final AtomicInteger requests = new AtomicInteger();

    /**
     * @param before probability that a try fails before it is sent
     * @param after probability that a try is sent and its answer lost
     */
    public StorageFaults(long seed, double before, double after) {
        this.random = new Random(seed);
        this.before = before;
        this.after = after;
    }

    public void enabled(boolean on) {
        this.enabled = on;
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * The next {@code tries} tries go through and lose their answers, whatever the probabilities: a
     * test that needs one write committed with its answer lost picks the write, not a seed.
     */
    public synchronized void loseNextAnswers(int tries) {
        answersToLose = tries;
    }

    @Override
    public HttpPipelinePosition getPipelinePosition() {
        return HttpPipelinePosition.PER_RETRY;
    }

    private enum Fault { NONE, BEFORE, AFTER }

    private synchronized Fault draw() {
        requests.incrementAndGet();
        if (answersToLose > 0) {
            answersToLose--;
            failedAfter.incrementAndGet();
            return Fault.AFTER;
        }
        if (!enabled) {
            return Fault.NONE;
        }
        double r = random.nextDouble();
        if (r < before) {
            failedBefore.incrementAndGet();
            return Fault.BEFORE;
        }
        if (r < before + after) {
            failedAfter.incrementAndGet();
            return Fault.AFTER;
        }
        return Fault.NONE;
    }

    @Override
    public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
        Fault fault = draw();
        if (fault == Fault.BEFORE) {
            return new ServerBusy(context.getHttpRequest());
        }
        HttpResponse response = next.processSync();
        if (fault == Fault.AFTER) {
            response.close();
            return new ServerBusy(context.getHttpRequest());
        }
        return response;
    }

    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        Fault fault = draw();
        if (fault == Fault.BEFORE) {
            return Mono.just(new ServerBusy(context.getHttpRequest()));
        }
        return next.process().map(response -> {
            if (fault == Fault.AFTER) {
                response.close();
                return new ServerBusy(context.getHttpRequest());
            }
            return response;
        });
    }

    /** The answer Table Storage gives when it throttles: 503 Server Busy (for other fault-injecting policies too). */
    public static final class ServerBusy extends HttpResponse {
        private static final byte[] BODY = "{\"odata.error\":{\"code\":\"ServerBusy\",\"message\":{\"lang\":\"en-US\",\"value\":\"injected\"}}}"
                .getBytes(StandardCharsets.UTF_8);

        public ServerBusy(HttpRequest request) {
            super(request);
        }

        @Override
        public int getStatusCode() {
            return 503;
        }

        @Override
        @Deprecated
        public String getHeaderValue(String name) {
            return name.equalsIgnoreCase("Content-Type") ? "application/json" : null;
        }

        @Override
        public HttpHeaders getHeaders() {
            return new HttpHeaders().set(com.azure.core.http.HttpHeaderName.CONTENT_TYPE, "application/json");
        }

        @Override
        public Flux<ByteBuffer> getBody() {
            return Flux.just(ByteBuffer.wrap(BODY));
        }

        @Override
        public Mono<byte[]> getBodyAsByteArray() {
            return Mono.just(BODY);
        }

        @Override
        public Mono<String> getBodyAsString() {
            return Mono.just(new String(BODY, StandardCharsets.UTF_8));
        }

        @Override
        public Mono<String> getBodyAsString(java.nio.charset.Charset charset) {
            return Mono.just(new String(BODY, charset));
        }
    }
}
