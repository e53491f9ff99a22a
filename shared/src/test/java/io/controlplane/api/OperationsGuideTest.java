package io.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.controlplane.config.ControlPlaneSettings;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/operations.md in step with the code: one "### slug" per problem type in the error
 * catalogue (and none for a type that does not exist), and every setting name in the configuration
 * table.
 */
class OperationsGuideTest {

    private static Path file;
    private static List<String> lines;

    @BeforeAll
    static void load() throws IOException {
        file = ProjectDocs.find("docs/operations.md");
        lines = Files.readAllLines(file);
    }

    @Test
    void errorCatalogueHasOneSectionPerProblemTypeAndNoOther() {
        Set<String> headings = new TreeSet<>(subsections("Error catalogue").keySet());
        Set<String> slugs = Arrays.stream(ProblemType.values()).map(ProblemType::slug).collect(Collectors.toCollection(TreeSet::new));

        Set<String> undocumented = new TreeSet<>(slugs);
        undocumented.removeAll(headings);
        Set<String> unknown = new TreeSet<>(headings);
        unknown.removeAll(slugs);

        if (!undocumented.isEmpty() || !unknown.isEmpty()) {
            fail("The error catalogue of " + file + " and ProblemType differ"
                    + "\n  problem types without a '### <slug>' section: " + undocumented
                    + "\n  '### ' sections that are no problem type: " + unknown);
        }
    }

    @Test
    void eachCatalogueSectionGivesStatusCauseAndFix() {
        Map<String, String> sections = subsections("Error catalogue");
        List<String> problems = new ArrayList<>();
        for (ProblemType type : ProblemType.values()) {
            String body = sections.getOrDefault(type.slug(), "");
            if (!body.contains("**Status**: " + type.status())) {
                problems.add(type.slug() + ": no '**Status**: " + type.status() + "'");
            }
            if (!body.contains("**Cause**")) {
                problems.add(type.slug() + ": no '**Cause**'");
            }
            if (!body.contains("**Fix**")) {
                problems.add(type.slug() + ": no '**Fix**'");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void configurationListsEverySettingAndNoOther() throws IllegalAccessException {
        Set<String> inCode = new TreeSet<>();
        List<Field> fields = new ArrayList<>(List.of(ControlPlaneSettings.class.getFields()));
        fields.addAll(List.of(io.controlplane.config.DispatchSettings.class.getFields()));
        fields.addAll(List.of(io.controlplane.config.TenancySettings.class.getFields()));
        fields.addAll(List.of(io.controlplane.config.TelemetrySettings.class.getFields()));
        for (Field field : fields) {
            int m = field.getModifiers();
            if (Modifier.isStatic(m) && Modifier.isFinal(m) && field.getType() == String.class) {
                String value = (String) field.get(null);
                // Setting names are identifiers; DEV_ISSUER and DEFAULT_AUDIENCE hold values (URNs, URIs).
                if (value.matches("[A-Za-z][A-Za-z0-9_]*")) {
                    inCode.add(value);
                }
            }
        }
        Set<String> documented = new TreeSet<>();
        Matcher row = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|", Pattern.MULTILINE).matcher(section("Configuration"));
        while (row.find()) {
            documented.add(row.group(1));
        }
        assertThat(inCode).as("setting names in ControlPlaneSettings").isNotEmpty();
        assertThat(documented).as("settings in the Configuration table of %s", file).isEqualTo(inCode);
    }

    @Test
    void everyHostJsonSettingHasItsReasonInTheFunctionsHostSection() throws IOException {
        com.fasterxml.jackson.databind.JsonNode host = Json.mapper().readTree(Files.readString(ProjectDocs.find("host.json")));
        Set<String> keys = new TreeSet<>();
        collectKeys(host, keys);
        String text = section("The Azure Functions host");
        assertThat(keys).as("host.json keys").contains("functionTimeout", "serviceBus", "maxConcurrentSessions");
        assertThat(keys.stream().filter(key -> !text.contains("`" + key)).toList())
                .as("host.json settings without their reason in the operations guide").isEmpty();
    }

    private static void collectKeys(com.fasterxml.jackson.databind.JsonNode node, Set<String> keys) {
        node.fields().forEachRemaining(e -> {
            keys.add(e.getKey());
            if (e.getValue().isObject()) {
                collectKeys(e.getValue(), keys);
            }
        });
    }

    /** The text under "## title", up to the next "## " heading outside fenced code. */
    private static String section(String title) {
        StringBuilder text = new StringBuilder();
        boolean inside = false;
        boolean fenced = false;
        for (String line : lines) {
            if (line.trim().startsWith("```")) {
                fenced = !fenced;
            }
            if (!fenced && line.startsWith("## ")) {
                inside = line.substring(3).trim().equals(title);
                continue;
            }
            if (inside) {
                text.append(line).append('\n');
            }
        }
        assertThat(text).as("section '## %s' of %s", title, file).isNotEmpty();
        return text.toString();
    }

    /** "### heading" to its text, within the section "## title". Fenced code is skipped. */
    private static Map<String, String> subsections(String title) {
        Map<String, String> result = new LinkedHashMap<>();
        String current = null;
        boolean fenced = false;
        for (String line : section(title).split("\n", -1)) {
            if (line.trim().startsWith("```")) {
                fenced = !fenced;
            }
            if (!fenced && line.startsWith("### ")) {
                current = line.substring(4).trim();
                result.put(current, "");
            } else if (current != null) {
                result.put(current, result.get(current) + line + "\n");
            }
        }
        return result;
    }
}
