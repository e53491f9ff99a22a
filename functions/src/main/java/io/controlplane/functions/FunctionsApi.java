package io.controlplane.functions;

import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import java.util.Optional;

/** What every HTTP function does: convert the request, let the api handle it, convert the answer. */
final class FunctionsApi {

    private FunctionsApi() {
    }

    static HttpResponseMessage serve(HttpRequestMessage<Optional<byte[]>> request) {
        return HttpConversion.toHttpResponse(request,
                ControlPlaneHolder.controlPlane().api().handle(HttpConversion.toApiRequest(request)));
    }
}
