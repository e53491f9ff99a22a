package io.controlplane.config;

import static io.controlplane.config.ControlPlaneSettings.BLOB_ENDPOINT;
import static io.controlplane.config.ControlPlaneSettings.FUNCTIONS_STORAGE;
import static io.controlplane.config.ControlPlaneSettings.QUEUE_ENDPOINT;
import static io.controlplane.config.ControlPlaneSettings.STORAGE_CONNECTION_STRING;
import static io.controlplane.config.ControlPlaneSettings.TABLE_ENDPOINT;
import static io.controlplane.config.ControlPlaneSettings.TABLE_PREFIX;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The storage account the control plane keeps its tables in (and, unless Service Bus carries them,
 * its queues; and its region leases): a connection string or the account's endpoints for a managed
 * identity. Part of {@link ControlPlaneSettings}, checked with the rest of them.
 *
 * @param connectionString {@code STORAGE_CONNECTION_STRING}, else {@code AzureWebJobsStorage}; may carry the account key
 * @param queueEndpoint as set, else derived from the table endpoint (null when it has another form)
 * @param blobEndpoint as set, else derived from the table endpoint (null when it has another form)
 */
public record StorageSettings(
        String connectionString,
        String tableEndpoint,
        String tablePrefix,
        String queueEndpoint,
        String blobEndpoint) {

    private static final Pattern STANDARD_TABLE_ENDPOINT = Pattern.compile("(https://[^./]+)\\.table\\.([^/]+)/?");
    private static final String DEFAULT_TABLE_PREFIX = "cp";

    /** Without the connection string, which may carry the account key: settings get logged. */
    @Override
    public String toString() {
        return "StorageSettings[connectionString=" + (connectionString == null ? null : "<redacted>")
                + ", tableEndpoint=" + tableEndpoint + ", tablePrefix=" + tablePrefix + ", queueEndpoint=" + queueEndpoint
                + ", blobEndpoint=" + blobEndpoint + "]";
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The storage settings among {@code values}. */
    static Builder read(Map<String, String> values) {
        String connection = SettingValues.text(values, STORAGE_CONNECTION_STRING);
        return builder()
                .connectionString(connection != null ? connection : SettingValues.text(values, FUNCTIONS_STORAGE))
                .tableEndpoint(SettingValues.text(values, TABLE_ENDPOINT))
                .tablePrefix(SettingValues.text(values, TABLE_PREFIX, DEFAULT_TABLE_PREFIX))
                .queueEndpoint(SettingValues.text(values, QUEUE_ENDPOINT))
                .blobEndpoint(SettingValues.text(values, BLOB_ENDPOINT));
    }

    /**
     * The endpoint of the given service ({@code queue}, {@code blob}) of the account whose table
     * endpoint this is ({@code https://<account>.table.<suffix>} → {@code https://<account>.<service>.<suffix>}),
     * or null when it has another form.
     */
    private static String sibling(String tableEndpoint, String service) {
        if (tableEndpoint == null) {
            return null;
        }
        Matcher m = STANDARD_TABLE_ENDPOINT.matcher(tableEndpoint);
        return m.matches() ? m.group(1) + "." + service + "." + m.group(2) : null;
    }

    /** Builds storage settings; {@link ControlPlaneSettings.Builder#build()} checks them with the rest. */
    public static final class Builder {
        private String connectionString;
        private String tableEndpoint;
        private String tablePrefix = DEFAULT_TABLE_PREFIX;
        private String queueEndpoint;
        private String blobEndpoint;

        private Builder() {
        }

        public Builder connectionString(String value) { this.connectionString = value; return this; }
        public Builder tableEndpoint(String value) { this.tableEndpoint = value; return this; }
        public Builder tablePrefix(String value) { this.tablePrefix = value; return this; }
        /** The queue endpoint of the intake queues; derived from the table endpoint when unset. */
        public Builder queueEndpoint(String value) { this.queueEndpoint = value; return this; }
        /** The blob endpoint of the region leases; derived from the table endpoint when unset. */
        public Builder blobEndpoint(String value) { this.blobEndpoint = value; return this; }

        /** The settings, with what is wrong with them added to {@code problems}. */
        StorageSettings build(List<String> problems) {
            if (connectionString == null && tableEndpoint == null) {
                problems.add("set " + STORAGE_CONNECTION_STRING + " (or " + FUNCTIONS_STORAGE + ") or " + TABLE_ENDPOINT);
            }
            if (tablePrefix == null || !tablePrefix.matches("[A-Za-z][A-Za-z0-9]{0,40}")) {
                problems.add(TABLE_PREFIX + " must be letters and digits, starting with a letter");
            }
            return new StorageSettings(connectionString, tableEndpoint, tablePrefix,
                    queueEndpoint != null ? queueEndpoint : sibling(tableEndpoint, "queue"),
                    blobEndpoint != null ? blobEndpoint : sibling(tableEndpoint, "blob"));
        }
    }
}
