package io.controlplane.testing;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The settings of a control plane under test: the shared Azurite, its own tables and queues, the dev issuer (opted in), loopback. */
public final class LocalSettings {

    private LocalSettings() {
    }

    /**
     * A mutable map: tables {@code <prefix>...}, queues {@code <prefix lower-case>-...}, region
     * westeurope, the development issuer's key in {@code keyFile}, a free port on 127.0.0.1.
     */
    public static Map<String, String> onSharedAzurite(String prefix, Path keyFile) {
        Map<String, String> values = new HashMap<>();
        values.put("STORAGE_CONNECTION_STRING", Azurite.shared().connectionString());
        values.put("STORAGE_TABLE_PREFIX", prefix);
        values.put("QUEUE_PREFIX", prefix.toLowerCase() + "-");
        values.put("CONTROLPLANE_REGIONS", "westeurope");
        values.put("AUTH_DEV_ISSUER", "true");
        values.put("DEV_ISSUER_KEY_FILE", keyFile.toString());
        values.put("BIND_ADDRESS", "127.0.0.1");
        values.put("PORT", "0");
        return values;
    }
}
