package io.controlplane.functions;

import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatusType;
import java.util.LinkedHashMap;
import java.util.Map;

/** Records what the conversion sets, as the Functions worker's builder would carry it. */
final class FakeResponseBuilder implements HttpResponseMessage.Builder {
    HttpStatusType status;
    final Map<String, String> headers = new LinkedHashMap<>();
    Object body;

    @Override
    public HttpResponseMessage.Builder status(HttpStatusType value) {
        this.status = value;
        return this;
    }

    @Override
    public HttpResponseMessage.Builder header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    @Override
    public HttpResponseMessage.Builder body(Object value) {
        this.body = value;
        return this;
    }

    @Override
    public HttpResponseMessage build() {
        HttpStatusType builtStatus = status;
        Map<String, String> builtHeaders = Map.copyOf(headers);
        Object builtBody = body;
        return new HttpResponseMessage() {
            @Override
            public HttpStatusType getStatus() {
                return builtStatus;
            }

            @Override
            public String getHeader(String name) {
                return builtHeaders.get(name);
            }

            @Override
            public Object getBody() {
                return builtBody;
            }
        };
    }
}
