package io.controlplane.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/deployment.md lists exactly the parameters main.bicep declares, and says which are required. */
class BicepDeploymentGuideTest {

    private static final Pattern NAME = Pattern.compile("`([A-Za-z0-9]+)`");

    @Test
    void theParametersTableListsEveryParameterOfMainBicepAndNoOther() throws Exception {
        BicepChecker.Result result = BicepChecker.check(null, "--describe");
        assertThat(result.exitCode()).as(result.output()).isZero();
        JsonNode params = new ObjectMapper().readTree(result.stdout()).path("files").path("bicep/main.bicep").path("params");
        Set<String> declared = new TreeSet<>();
        params.fieldNames().forEachRemaining(declared::add);

        String guide = Files.readString(BicepChecker.repositoryRoot().resolve("docs/deployment.md"));
        String section = guide.substring(guide.indexOf("\n## Parameters\n"));
        section = section.substring(0, section.indexOf("\n## ", 1));
        Set<String> documented = new TreeSet<>();
        Set<String> documentedRequired = new TreeSet<>();
        for (String line : section.split("\n")) {
            if (!line.startsWith("| `")) {
                continue;
            }
            String[] cells = line.split("\\|");
            Matcher m = NAME.matcher(cells[1]);
            while (m.find()) {
                documented.add(m.group(1));
                if (cells[2].contains("(required)")) {
                    documentedRequired.add(m.group(1));
                }
            }
        }

        assertThat(documented).containsExactlyElementsOf(declared);
        Set<String> required = new TreeSet<>();
        params.fields().forEachRemaining(e -> {
            if (e.getValue().path("required").asBoolean()) {
                required.add(e.getKey());
            }
        });
        assertThat(documentedRequired).containsExactlyElementsOf(required);
    }
}
