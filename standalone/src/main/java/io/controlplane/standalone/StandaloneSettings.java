package io.controlplane.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.controlplane.api.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Settings for the standalone host: the {@code Values} of a {@code local.settings.json} (the same
 * file the Functions host uses locally), overridden by environment variables.
 */
final class StandaloneSettings {

    static final String SETTINGS_FILE = "CONTROLPLANE_SETTINGS_FILE";
    static final String PORT = "PORT";
    static final String BIND_ADDRESS = "BIND_ADDRESS";
    static final String HTTP_THREADS = "HTTP_THREADS";

    private StandaloneSettings() {
    }

    static Map<String, String> load(Map<String, String> environment) {
        Map<String, String> values = new HashMap<>();
        Path file = Path.of(environment.getOrDefault(SETTINGS_FILE, "local.settings.json"));
        if (Files.exists(file)) {
            try {
                JsonNode root = Json.mapper().readTree(file.toFile());
                JsonNode settings = root.path("Values");
                settings.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asText()));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read settings file " + file.toAbsolutePath(), e);
            }
        }
        values.putAll(environment);
        return values;
    }

    static int intValue(Map<String, String> values, String name, int fallback) {
        String value = values.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, was '" + value + "'");
        }
    }
}
