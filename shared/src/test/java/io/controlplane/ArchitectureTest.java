package io.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layering the design asks for, checked on the sources of {@code shared}: dependencies point
 * inward. {@code domain} uses nothing of the project; {@code scheduling}, {@code ports} and
 * {@code validation} only {@code domain}; {@code app} no adapter and not {@code api}. A reference is
 * an import or a qualified name in code (comments and Javadoc do not count). An arrow that has to
 * point the wrong way for a while is listed in {@link #KNOWN} (none today), with why; the test
 * fails as soon as it is gone too, so the list cannot go stale.
 */
class ArchitectureTest {

    private static final Path SOURCES = Path.of("src/main/java/io/controlplane");
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.controlplane\\.([a-z]+)(?:\\.[a-z]+)*\\.([A-Z]\\w*)");

    /** What each concern may use of the project besides itself; a concern not listed here is not checked. */
    private static final Map<String, Set<String>> MAY_USE = Map.of(
            "domain", Set.of(),
            "scheduling", Set.of("domain"),
            "ports", Set.of("domain"),
            "validation", Set.of("domain"),
            "app", Set.of("domain", "scheduling", "ports", "validation", "config", "telemetry"));

    /** Wrong-way references that exist today, each a class that names another concern's type. */
    private static final Set<String> KNOWN = Set.of();

    @Test
    void dependenciesPointInward() throws IOException {
        Set<String> found = new TreeSet<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Path relative = SOURCES.relativize(file);
                if (relative.getNameCount() < 2) {
                    continue; // the composition root, io.controlplane.ControlPlane, wires everything
                }
                String concern = relative.getName(0).toString();
                Set<String> allowed = MAY_USE.get(concern);
                if (allowed == null) {
                    continue;
                }
                for (String[] ref : references(Files.readString(file))) {
                    if (!ref[0].equals(concern) && !allowed.contains(ref[0])) {
                        found.add(relative.toString().replace('\\', '/') + " -> " + ref[0] + "." + ref[1]);
                    }
                }
            }
        }
        assertThat(found).as("references that point outward (or a known one that is gone: drop it from KNOWN)")
                .containsExactlyInAnyOrderElementsOf(KNOWN);
    }

    @Test
    void theScanSeesImportsAndQualifiedNamesButNotComments() {
        String source = """
                package io.controlplane.domain;
                import io.controlplane.app.Caller;
                /** See {@link io.controlplane.api.HttpApi}. */
                class X { // io.controlplane.ports.JobStore
                    io.controlplane.adapters.tables.TableStorage storage;
                    String s = "io.controlplane.config.Settings";
                }
                """;
        assertThat(references(source)).extracting(r -> r[0] + "." + r[1])
                .containsExactly("app.Caller", "adapters.TableStorage");
    }

    /** The project's concerns (first package below io.controlplane) and types a source refers to. */
    static List<String[]> references(String source) {
        List<String[]> refs = new ArrayList<>();
        String code = withoutCommentsAndStrings(source);
        for (String line : code.split("\n")) {
            if (line.startsWith("package ")) {
                continue;
            }
            Matcher m = REFERENCE.matcher(line);
            while (m.find()) {
                refs.add(new String[] {m.group(1), m.group(2)});
            }
        }
        return refs;
    }

    private static String withoutCommentsAndStrings(String source) {
        String noBlocks = Pattern.compile("/\\*.*?\\*/", Pattern.DOTALL).matcher(source).replaceAll("");
        String noText = Pattern.compile("\"\"\".*?\"\"\"", Pattern.DOTALL).matcher(noBlocks).replaceAll("\"\"");
        StringBuilder out = new StringBuilder();
        for (String line : noText.split("\n")) {
            String stripped = line.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"");
            int comment = stripped.indexOf("//");
            out.append(comment >= 0 ? stripped.substring(0, comment) : stripped).append('\n');
        }
        return out.toString();
    }
}
