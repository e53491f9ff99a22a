package io.controlplane.testing;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.util.BinaryData;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Makes Azurite answer as Azure does about time: Azure stores an {@code Edm.DateTime} as .NET ticks,
 * to 100 ns (7 fractional digits, as documented for the Table service's DateTime type), while Azurite
 * keeps and returns whatever digits it was sent. This policy cuts every Edm.DateTime value in an
 * entity read back (a point read or a query page) to 7 digits, so code that compares what it wrote
 * with what it reads meets on Azurite what it would meet on Azure. Whether Azure rounds or truncates
 * the extra digits does not matter here: either way, 9 digits never come back. Only properties the
 * answer annotates as Edm.DateTime change; a time inside a string property is kept, as Azure keeps it.
 */
public final class AzureDateTimePrecision implements HttpPipelinePolicy {

    private static final ObjectMapper JSON = new ObjectMapper()
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final Pattern BEYOND_TICKS = Pattern.compile("(\\.\\d{7})\\d+");

    /** How many values were cut: a test can show that its reads went through this policy. */
    public final java.util.concurrent.atomic.AtomicInteger cut = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public HttpPipelinePosition getPipelinePosition() {
        return HttpPipelinePosition.PER_RETRY;
    }

    @Override
    public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
        return rewrite(next.processSync());
    }

    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        return next.process().map(this::rewrite);
    }

    private HttpResponse rewrite(HttpResponse response) {
        String type = response.getHeaderValue(HttpHeaderName.CONTENT_TYPE);
        if (response.getStatusCode() / 100 != 2 || type == null || !type.contains("json")) {
            return response;
        }
        byte[] body = response.getBodyAsBinaryData().toBytes();
        response.close();
        return new Rewritten(response, rewrite(body));
    }

    private byte[] rewrite(byte[] body) {
        if (body.length == 0) {
            return body;
        }
        try {
            JsonNode root = JSON.readTree(body);
            List<JsonNode> entities = new ArrayList<>();
            if (root.path("value").isArray()) {
                root.path("value").forEach(entities::add);
            } else {
                entities.add(root);
            }
            for (JsonNode entity : entities) {
                if (entity instanceof ObjectNode object) {
                    cutDateTimes(object);
                }
            }
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException("A JSON answer that does not parse", e);
        }
    }

    private void cutDateTimes(ObjectNode entity) {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : (Iterable<Map.Entry<String, JsonNode>>) entity::fields) {
            if (field.getKey().endsWith("@odata.type") && "Edm.DateTime".equals(field.getValue().asText())) {
                names.add(field.getKey().substring(0, field.getKey().length() - "@odata.type".length()));
            }
        }
        for (String name : names) {
            Matcher m = BEYOND_TICKS.matcher(entity.path(name).asText());
            if (m.find()) {
                entity.put(name, m.replaceFirst("$1"));
                cut.incrementAndGet();
            }
        }
    }

    /** The original answer with another body. */
    private static final class Rewritten extends HttpResponse {
        private final HttpResponse original;
        private final byte[] body;

        Rewritten(HttpResponse original, byte[] body) {
            super(original.getRequest());
            this.original = original;
            this.body = body;
        }

        @Override
        public int getStatusCode() {
            return original.getStatusCode();
        }

        @Override
        @Deprecated
        public String getHeaderValue(String name) {
            return getHeaders().getValue(HttpHeaderName.fromString(name));
        }

        @Override
        public HttpHeaders getHeaders() {
            HttpHeaders headers = new HttpHeaders().setAllHttpHeaders(original.getHeaders());
            headers.remove(HttpHeaderName.TRANSFER_ENCODING);
            headers.set(HttpHeaderName.CONTENT_LENGTH, String.valueOf(body.length));
            return headers;
        }

        @Override
        public Flux<ByteBuffer> getBody() {
            return Flux.just(ByteBuffer.wrap(body));
        }

        @Override
        public Mono<byte[]> getBodyAsByteArray() {
            return Mono.just(body);
        }

        @Override
        public Mono<String> getBodyAsString() {
            return Mono.just(new String(body, StandardCharsets.UTF_8));
        }

        @Override
        public Mono<String> getBodyAsString(Charset charset) {
            return Mono.just(new String(body, charset));
        }

        @Override
        public BinaryData getBodyAsBinaryData() {
            return BinaryData.fromBytes(body);
        }
    }
}
