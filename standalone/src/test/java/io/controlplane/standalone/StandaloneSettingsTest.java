package io.controlplane.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StandaloneSettingsTest {

    @TempDir
    Path dir;

    @Test
    void localSettingsValuesAreReadAndTheEnvironmentWins() throws Exception {
        Path file = dir.resolve("local.settings.json");
        Files.writeString(file, """
                { "IsEncrypted": false,
                  "Values": { "CONTROLPLANE_REGIONS": "westeurope", "PORT": "8080", "STORAGE_TABLE_PREFIX": "fromfile" } }
                """);

        Map<String, String> values = StandaloneSettings.load(Map.of(
                StandaloneSettings.SETTINGS_FILE, file.toString(), "PORT", "9090"));

        assertThat(values).containsEntry("CONTROLPLANE_REGIONS", "westeurope")
                .containsEntry("STORAGE_TABLE_PREFIX", "fromfile")
                .containsEntry("PORT", "9090");
    }

    @Test
    void aMissingFileMeansEnvironmentOnly() {
        Map<String, String> values = StandaloneSettings.load(Map.of(
                StandaloneSettings.SETTINGS_FILE, dir.resolve("absent.json").toString(), "PORT", "7071"));

        assertThat(values).containsOnlyKeys(StandaloneSettings.SETTINGS_FILE, "PORT");
    }

    @Test
    void anUnreadableFileAndABadPortAreClearErrors() throws Exception {
        Path file = dir.resolve("broken.json");
        Files.writeString(file, "{ not json");

        assertThatThrownBy(() -> StandaloneSettings.load(Map.of(StandaloneSettings.SETTINGS_FILE, file.toString())))
                .hasMessageContaining("broken.json");
        assertThatThrownBy(() -> StandaloneSettings.intValue(Map.of("PORT", "seventy"), "PORT", 7071))
                .hasMessageContaining("PORT");
    }
}
