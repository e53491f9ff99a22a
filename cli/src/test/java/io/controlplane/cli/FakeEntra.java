package io.controlplane.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for Entra ID's v2 endpoints in the device code flow, on HTTPS (MSAL refuses any other
 * scheme) on 127.0.0.1: {@code POST /{tenant}/oauth2/v2.0/devicecode} gives a code and the message
 * to show; {@code POST /{tenant}/oauth2/v2.0/token} answers {@code authorization_pending} for the
 * first polls, then a token with the {@code id_token} and {@code client_info} MSAL builds its
 * account from, or {@code authorization_declined} when the user is to refuse. Only for tests.
 */
final class FakeEntra implements AutoCloseable {
    static final String DEVICE_CODE = "fake-device-code";
    static final String ACCESS_TOKEN = "fake-access-token";

    private final HttpsServer server;
    private final int pendingPolls;                       // how many authorization_pending answers before success
    private final AtomicInteger polls = new AtomicInteger();
    /** The user refuses instead of signing in. */
    volatile boolean decline;
    final List<String> requests = new CopyOnWriteArrayList<>();

    FakeEntra(Path keyStoreP12, char[] password, int pendingPolls) throws Exception {
        this.pendingPolls = pendingPolls;
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keyStoreP12.toFile())) {
            ks.load(in, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);

        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    String authorityHost() {
        return "https://127.0.0.1:" + port();
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> form = parseForm(body);
        requests.add(ex.getRequestMethod() + " " + path);

        if (path.endsWith("/oauth2/v2.0/devicecode")) {
            // form: client_id, scope ("openid profile offline_access <your scope>")
            send(ex, 200, "{"
                + "\"device_code\":\"" + DEVICE_CODE + "\","
                + "\"user_code\":\"ABCD-EFGH\","
                + "\"verification_uri\":\"https://127.0.0.1:" + port() + "/devicelogin\","
                + "\"expires_in\":900,"
                + "\"interval\":1,"
                + "\"message\":\"To sign in, use a web browser to open the page https://127.0.0.1:" + port()
                + "/devicelogin and enter the code ABCD-EFGH to authenticate.\"}");
            return;
        }
        if (path.endsWith("/oauth2/v2.0/token")) {
            // msal4j 1.23.1 sends grant_type=device_code (GrantConstants.DEVICE_CODE), NOT the RFC 8628 URN
            String gt = form.get("grant_type");
            if (!("device_code".equals(gt) || "urn:ietf:params:oauth:grant-type:device_code".equals(gt))
                || !DEVICE_CODE.equals(form.get("device_code"))) {
                send(ex, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"unexpected grant\"}");
                return;
            }
            if (decline) {
                send(ex, 400, "{\"error\":\"authorization_declined\",\"error_description\":\"AADSTS70000: The user declined.\"}");
                return;
            }
            if (polls.getAndIncrement() < pendingPolls) {
                // error_description MUST be non-blank, otherwise MSAL maps the error to "unknown" and stops polling
                send(ex, 400, "{\"error\":\"authorization_pending\","
                    + "\"error_description\":\"AADSTS70016: OAuth 2.0 device flow error. Authorization is pending.\"}");
                return;
            }
            String tenant = path.substring(1, path.indexOf('/', 1));
            String tid = "00000000-0000-0000-0000-000000000001";
            String oid = "00000000-0000-0000-0000-0000000000aa";
            // id_token + client_info are needed: azure-identity's DeviceCodeCredential.updateCache() dereferences
            // msalToken.getAccount(), which is null unless MSAL can build an account from client_info + id_token.
            String idToken = jwt("{\"alg\":\"none\",\"typ\":\"JWT\"}",
                "{\"aud\":\"" + form.get("client_id") + "\",\"iss\":\"https://127.0.0.1:" + port() + "/" + tid + "/v2.0\","
                    + "\"iat\":" + now() + ",\"nbf\":" + now() + ",\"exp\":" + (now() + 3600) + ","
                    + "\"name\":\"Test User\",\"oid\":\"" + oid + "\",\"preferred_username\":\"test.user@example.com\","
                    + "\"sub\":\"fake-sub\",\"tid\":\"" + tid + "\",\"ver\":\"2.0\"}");
            String clientInfo = b64("{\"uid\":\"" + oid + "\",\"utid\":\"" + tid + "\"}");
            send(ex, 200, "{"
                + "\"token_type\":\"Bearer\","
                + "\"scope\":\"" + form.getOrDefault("scope", "") + "\","
                + "\"expires_in\":3599,\"ext_expires_in\":3599,"
                + "\"access_token\":\"" + ACCESS_TOKEN + "\","
                + "\"refresh_token\":\"fake-refresh-token\","
                + "\"id_token\":\"" + idToken + "\",\"client_info\":\"" + clientInfo + "\","
                + "\"refresh_in\":1800}");
            return;
        }
        send(ex, 404, "{\"error\":\"not_found\",\"error_description\":\"fake authority: no handler for " + path + "\"}");
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
    /** An unsigned token: MSAL reads the id token's claims, it does not check its signature. */
    private static String jwt(String header, String payload) {
        return b64(header) + "." + b64(payload) + ".sig";
    }

    private static Map<String, String> parseForm(String body) {
        Map<String, String> m = new HashMap<>();
        for (String kv : body.split("&")) {
            if (kv.isEmpty()) {
                continue;
            }
            int i = kv.indexOf('=');
            String k = URLDecoder.decode(i < 0 ? kv : kv.substring(0, i), StandardCharsets.UTF_8);
            String v = i < 0 ? "" : URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8);
            m.put(k, v);
        }
        return m;
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
