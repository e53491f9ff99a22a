package io.controlplane.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * standalone/Dockerfile cannot be built here (no Docker engine), so its references are checked
 * against what they refer to: the jar and lib/ the standalone build produces (standalone/pom.xml),
 * the modules the build context must hold, and the port the Container Apps template probes.
 */
class StandaloneDockerfileTest {

    private static Path root;
    private static String dockerfile;
    private static Document standalonePom;

    @BeforeAll
    static void read() throws Exception {
        root = BicepChecker.repositoryRoot();
        dockerfile = Files.readString(root.resolve("standalone/Dockerfile"));
        standalonePom = xml(root.resolve("standalone/pom.xml"));
    }

    @Test
    void itCopiesTheJarAndLibThatTheStandaloneBuildProducesAndRunsThatJar() {
        String jar = text(standalonePom, "finalName") + ".jar";
        String classpathPrefix = text(standalonePom, "classpathPrefix");
        String libDirectory = text(standalonePom, "outputDirectory").replace("${project.build.directory}", "target");
        assertThat(classpathPrefix).isEqualTo("lib/");
        assertThat(libDirectory).isEqualTo("target/lib");

        assertThat(dockerfile).contains("COPY --from=build /src/standalone/target/" + jar + " /app/" + jar);
        assertThat(dockerfile).contains("COPY --from=build /src/standalone/" + libDirectory + "/ /app/" + classpathPrefix);
        assertThat(dockerfile).contains("ENTRYPOINT [\"java\", \"-jar\", \"/app/" + jar + "\"]");

        String mainClass = text(standalonePom, "mainClass");
        assertThat(root.resolve("standalone/src/main/java/" + mainClass.replace('.', '/') + ".java")).exists();
    }

    @Test
    void itBuildsWithMavenOnJava17AndRunsOnAJava17RuntimeAsANonRootUser() {
        assertThat(dockerfile).contains("FROM maven:3.9-eclipse-temurin-17 AS build");
        assertThat(dockerfile).contains("FROM eclipse-temurin:17-jre");
        assertThat(dockerfile).contains("mvn -B -q -DskipTests -pl standalone -am package");
        Matcher user = Pattern.compile("(?m)^USER (\\S+)").matcher(dockerfile);
        assertThat(user.find()).isTrue();
        assertThat(user.group(1)).doesNotStartWith("0").doesNotStartWith("root");
    }

    @Test
    void itListensOnAllInterfacesOnThePortTheContainerAppProbesAndChecksHealth() throws Exception {
        BicepChecker.Result result = BicepChecker.check(null, "--describe");
        assertThat(result.exitCode()).as(result.output()).isZero();
        JsonNode containerApps = new ObjectMapper().readTree(result.stdout())
                .path("files").path("bicep/modules/container-apps.bicep");
        int port = containerApps.path("vars").path("hostPort").asInt();

        assertThat(port).isEqualTo(7071);
        assertThat(dockerfile).contains("EXPOSE " + port).contains("PORT=" + port).contains("BIND_ADDRESS=0.0.0.0");
        assertThat(dockerfile).containsPattern("HEALTHCHECK[^\\n]*\\n[^\\n]*/api/health\"");
    }

    @Test
    void theBuildContextKeepsEveryModuleAndLeavesBuildOutputOut() throws Exception {
        List<String> ignored = Files.readAllLines(root.resolve(".dockerignore")).stream()
                .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(ignored).contains("**/target/", "node_modules/", ".git");

        // Maven reads every module's pom of the parent, even with -pl standalone.
        NodeList modules = xml(root.resolve("pom.xml")).getElementsByTagName("module");
        List<String> moduleDirectories = new ArrayList<>();
        for (int i = 0; i < modules.getLength(); i++) {
            moduleDirectories.add(modules.item(i).getTextContent().trim());
        }
        assertThat(moduleDirectories).contains("shared", "standalone", "simulator");
        for (String module : moduleDirectories) {
            assertThat(ignored).noneMatch(pattern -> pattern.equals(module) || pattern.equals(module + "/")
                    || pattern.equals("pom.xml") || pattern.equals(module + "/pom.xml"));
        }
    }

    private static Document xml(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(file.toFile());
    }

    /** The text of the only element with this name. */
    private static String text(Document document, String tag) {
        NodeList nodes = document.getElementsByTagName(tag);
        assertThat(nodes.getLength()).as("<%s> elements", tag).isEqualTo(1);
        return ((Element) nodes.item(0)).getTextContent().trim();
    }
}
