package io.controlplane.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.api.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A client's calls to a host under test over HTTP, for the scenario tests: one request, a job's state, a new job's id. */
final class ApiCalls {

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = Json.mapper();
    private final URI base;

    ApiCalls(URI base) {
        this.base = base;
    }

    /** One request with a bearer token; a body is sent as JSON. */
    HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The job's state, as {@code GET /api/jobs/{jobId}} shows it. */
    String state(String token, String jobId) throws Exception {
        return json.readTree(send("GET", "/api/jobs/" + jobId, token, null).body()).get("state").asText();
    }

    /** The id of the job a submission created (which must have answered 201). */
    String id(HttpResponse<String> created) throws Exception {
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json.readTree(created.body()).get("id").asText();
    }
}
