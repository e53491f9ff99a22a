package io.controlplane.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.functions.annotation.FunctionName;
import io.controlplane.testing.ProjectRoot;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The operations guide's table of functions names every function the app has, and no other. */
class FunctionsDocumentedTest {

    private static final List<Class<?>> FUNCTION_CLASSES = List.of(JobFunctions.class, AgentFunctions.class, LeaseFunctions.class,
            AdminFunctions.class, OrganisationFunctions.class, HealthFunctions.class, IntakeFunctions.class, ReconcileFunction.class,
            DispatchFunction.class);

    @Test
    void theOperationsGuideListsEveryFunction() throws IOException {
        Set<String> inCode = new TreeSet<>();
        for (Class<?> type : FUNCTION_CLASSES) {
            for (Method method : type.getDeclaredMethods()) {
                FunctionName name = method.getAnnotation(FunctionName.class);
                if (name != null) {
                    inCode.add(name.value());
                }
            }
        }
        String guide = Files.readString(ProjectRoot.find().resolve("docs/operations.md"));
        String section = guide.substring(guide.indexOf("## The Azure Functions host"), guide.indexOf("## Troubleshooting"));
        String table = section.substring(section.indexOf("| function | trigger |"), section.indexOf("All HTTP functions are"));
        Set<String> documented = new TreeSet<>();
        for (String row : table.split("\n")) {
            String[] cells = row.split("\\|");
            if (cells.length < 2) {
                continue;
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("`([A-Z][A-Za-z]+)`").matcher(cells[1]);
            while (m.find()) {
                documented.add(m.group(1));
            }
        }
        assertThat(inCode).hasSizeGreaterThan(30);
        assertThat(documented).isEqualTo(inCode);
    }
}
