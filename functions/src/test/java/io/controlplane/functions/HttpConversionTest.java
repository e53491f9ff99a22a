package io.controlplane.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatusType;
import io.controlplane.api.ApiRequest;
import io.controlplane.api.ApiResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HttpConversionTest {

    @Test
    void requestKeepsMethodRawPathQueryHeadersAndBody() {
        byte[] body = "{\"name\":\"contoso/Alpha\"}".getBytes(StandardCharsets.UTF_8);
        HttpRequestMessage<Optional<byte[]>> request = request(HttpMethod.POST,
                "https://cp.example.net/api/jobs/job%2F1%20a/cancel?state=Queued&state=Running&q=a%26b+c&flag",
                Map.of("Authorization", "Bearer t0ken", "Idempotency-Key", "k-1", "content-type", "application/json"),
                Optional.of(body));

        ApiRequest converted = HttpConversion.toApiRequest(request);

        assertThat(converted.method()).isEqualTo("POST");
        assertThat(converted.path()).isEqualTo("/api/jobs/job%2F1%20a/cancel");
        assertThat(converted.query()).containsOnly(
                Map.entry("state", List.of("Queued", "Running")),
                Map.entry("q", List.of("a&b c")),
                Map.entry("flag", List.of("")));
        assertThat(converted.header("authorization")).isEqualTo("Bearer t0ken");
        assertThat(converted.header("Idempotency-Key")).isEqualTo("k-1");
        assertThat(converted.header("Content-Type")).isEqualTo("application/json");
        assertThat(converted.headers()).hasSize(3);
        assertThat(converted.body()).isEqualTo(body);
    }

    @Test
    void requestWithoutQueryOrBodyBecomesEmpty() {
        HttpRequestMessage<Optional<byte[]>> request = request(HttpMethod.GET,
                "https://cp.example.net/api/health", Map.of(), Optional.empty());

        ApiRequest converted = HttpConversion.toApiRequest(request);

        assertThat(converted.method()).isEqualTo("GET");
        assertThat(converted.path()).isEqualTo("/api/health");
        assertThat(converted.query()).isEmpty();
        assertThat(converted.headers()).isEmpty();
        assertThat(converted.body()).isEmpty();
    }

    @Test
    void responseCarriesStatusHeadersAndBodyBytes() {
        HttpRequestMessage<Optional<byte[]>> request = request(HttpMethod.POST, "https://cp.example.net/api/jobs",
                Map.of(), Optional.empty());
        FakeResponseBuilder builder = new FakeResponseBuilder();
        when(request.createResponseBuilder(any(HttpStatusType.class))).thenAnswer(call -> {
            builder.status(call.getArgument(0));
            return builder;
        });
        byte[] body = "{\"id\":\"j-1\"}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Location", "/api/jobs/j-1");
        headers.put("x-request-id", "r-1");

        HttpResponseMessage response = HttpConversion.toHttpResponse(request, new ApiResponse(201, headers, body));

        assertThat(response.getStatusCode()).isEqualTo(201);
        assertThat(builder.headers).containsExactlyInAnyOrderEntriesOf(headers);
        assertThat(response.getBody()).isEqualTo(body);
    }

    @Test
    void statusOutsideTheEnumAndEmptyBodyPassThrough() {
        HttpRequestMessage<Optional<byte[]>> request = request(HttpMethod.DELETE, "https://cp.example.net/api/jobs/j-1",
                Map.of(), Optional.empty());
        FakeResponseBuilder builder = new FakeResponseBuilder();
        when(request.createResponseBuilder(any(HttpStatusType.class))).thenAnswer(call -> {
            builder.status(call.getArgument(0));
            return builder;
        });

        HttpResponseMessage noContent = HttpConversion.toHttpResponse(request, ApiResponse.empty(204));
        assertThat(noContent.getStatusCode()).isEqualTo(204);
        assertThat(noContent.getBody()).isNull();

        HttpResponseMessage unusual = HttpConversion.toHttpResponse(request, ApiResponse.empty(429));
        assertThat(unusual.getStatusCode()).isEqualTo(429);
    }

    @SuppressWarnings("unchecked")
    private static HttpRequestMessage<Optional<byte[]>> request(HttpMethod method, String uri, Map<String, String> headers,
                                                               Optional<byte[]> body) {
        HttpRequestMessage<Optional<byte[]>> request = mock(HttpRequestMessage.class);
        when(request.getHttpMethod()).thenReturn(method);
        when(request.getUri()).thenReturn(URI.create(uri));
        when(request.getHeaders()).thenReturn(headers);
        when(request.getBody()).thenReturn(body);
        return request;
    }
}
