package io.controlplane.standalone;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the web console in front of the API: {@code GET} / {@code HEAD} of {@code /} (its
 * {@code index.html}), of {@code /config.json} (built from {@link ConsoleSettings}) and of the files
 * its build packed under {@code console/} on the class path (listed in {@code console/files.txt}).
 * Every other request, {@code /api/...} and any unknown path, goes to the API's handler as before
 * (an unknown path answers its {@code route-not-found} problem). The console routes its pages in
 * the URL's fragment ({@code /#/jobs}), so no page needs a path of its own.
 *
 * <p>Files are held in memory (the console is small). A file whose name carries the build's
 * content hash ({@code app-3FJ5ZK2Q.js}) is cached for a year; {@code index.html} and
 * {@code config.json} are revalidated on each load ({@code ETag}). Every answer carries the
 * console's Content-Security-Policy (no inline script or style, no framing),
 * {@code X-Content-Type-Options: nosniff} and a {@code Referrer-Policy}.
 */
final class ConsoleHandler extends Handler.Wrapper {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleHandler.class);
    static final String RESOURCE_ROOT = "console/";
    private static final Pattern HASHED = Pattern.compile(".*-[A-Z0-9]{8}\\.[a-z0-9]+$");
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*");
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"), Map.entry("json", "application/json"),
            Map.entry("map", "application/json"), Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"), Map.entry("txt", "text/plain; charset=utf-8"), Map.entry("woff2", "font/woff2"));

    record Asset(byte[] body, String contentType, String etag, boolean immutable) {
    }

    private final Map<String, Asset> assets;
    private final String csp;

    private ConsoleHandler(Handler api, Map<String, Asset> assets, String csp) {
        super(api);
        this.assets = assets;
        this.csp = csp;
    }

    /**
     * The API's handler with the console in front of it; the API's handler alone when the console
     * is switched off ({@code CONSOLE_ENABLED=false}) or was not packed into this build.
     */
    static Handler wrap(Handler api, ConsoleSettings settings) {
        if (!settings.enabled()) {
            LOG.info("event=console_disabled");
            return api;
        }
        Map<String, Asset> assets = load(ConsoleHandler.class.getClassLoader());
        if (assets.isEmpty()) {
            LOG.warn("event=console_missing detail=\"no console/files.txt on the class path; / answers route-not-found\"");
            return api;
        }
        assets.put("config.json", asset("config.json", settings.configJson()));
        return new ConsoleHandler(api, assets, settings.contentSecurityPolicy());
    }

    static Map<String, Asset> load(ClassLoader loader) {
        Map<String, Asset> assets = new HashMap<>();
        byte[] list = read(loader, RESOURCE_ROOT + "files.txt");
        if (list == null) {
            return assets;
        }
        for (String line : new String(list, StandardCharsets.UTF_8).split("\n")) {
            String name = line.trim();
            if (name.isEmpty() || !SAFE_NAME.matcher(name).matches() || name.contains("..")) {
                continue;
            }
            byte[] body = read(loader, RESOURCE_ROOT + name);
            if (body == null) {
                throw new IllegalStateException("console/files.txt names " + name + ", which is not on the class path");
            }
            assets.put(name, asset(name, body));
        }
        return assets;
    }

    private static Asset asset(String name, byte[] body) {
        String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        String type = TYPES.getOrDefault(ext, "application/octet-stream");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            String etag = "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
            return new Asset(body, type, etag, HASHED.matcher(name).matches());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] read(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
    }

    /** The asset a request names, or null when the request is not the console's. */
    Asset assetFor(String method, String path) {
        if (!"GET".equals(method) && !"HEAD".equals(method) || path == null || !path.startsWith("/")) {
            return null;
        }
        String name = path.equals("/") ? "index.html" : path.substring(1);
        return assets.get(name);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Asset asset = assetFor(request.getMethod(), request.getHttpURI().getPath());
        if (asset == null) {
            return super.handle(request, response, callback);
        }
        var headers = response.getHeaders();
        headers.put("Content-Security-Policy", csp);
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("X-Frame-Options", "DENY");
        headers.put("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
        headers.put(HttpHeader.CACHE_CONTROL, asset.immutable() ? "public, max-age=31536000, immutable" : "no-cache");
        headers.put(HttpHeader.ETAG, asset.etag());
        String match = request.getHeaders().get(HttpHeader.IF_NONE_MATCH);
        if (match != null && (match.contains(asset.etag()) || match.trim().equals("*"))) {
            response.setStatus(304);
            response.write(true, null, callback);
            return true;
        }
        response.setStatus(200);
        headers.put(HttpHeader.CONTENT_TYPE, asset.contentType());
        headers.put(HttpHeader.CONTENT_LENGTH, asset.body().length);
        if ("HEAD".equals(request.getMethod())) {
            response.write(true, null, callback);
        } else {
            response.write(true, ByteBuffer.wrap(asset.body()), callback);
        }
        return true;
    }
}
