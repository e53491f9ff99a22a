package io.controlplane.api;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@link AuthMatrix} against the api itself, in memory: every authenticated route of the route
 * table × every kind of bad caller. The hosts run the same cases over their transports.
 */
class AuthMatrixTest {

    private static final ApiFixture API = new ApiFixture();
    private static final AuthMatrix.Transport TRANSPORT = AuthMatrixTest::send;
    private static final AuthMatrix.Scene SCENE = AuthMatrix.setUp(TRANSPORT, API.issuer);

    private static AuthMatrix.Answer send(String method, String pathAndQuery, String authorization, String body) {
        Map<String, String> headers = new HashMap<>();
        if (authorization != null) {
            headers.put("Authorization", authorization);
        }
        ApiResponse response = API.call(method, pathAndQuery, null, body, headers);
        return new AuthMatrix.Answer(response.status(), response.headers(), response.bodyText());
    }

    static List<AuthMatrix.Case> cases() {
        return AuthMatrix.cases(API.api.routes(), SCENE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyBadCallerIsRefusedAndLearnsNothing(AuthMatrix.Case c) {
        AuthMatrix.run(c, TRANSPORT, SCENE);
    }
}
