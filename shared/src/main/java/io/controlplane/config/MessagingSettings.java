package io.controlplane.config;

import static io.controlplane.config.ControlPlaneSettings.MESSAGING;
import static io.controlplane.config.ControlPlaneSettings.QUEUE_ENDPOINT;
import static io.controlplane.config.ControlPlaneSettings.QUEUE_PREFIX;
import static io.controlplane.config.ControlPlaneSettings.SERVICEBUS_CONNECTION_STRING;
import static io.controlplane.config.ControlPlaneSettings.SERVICEBUS_NAMESPACE;
import static io.controlplane.config.ControlPlaneSettings.TABLE_ENDPOINT;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the control plane's queues live (intake, dispatch events, agent offers): Storage Queues of
 * the storage account or Service Bus, and the prefix of their names. Part of
 * {@link ControlPlaneSettings}, checked with the rest of them.
 *
 * @param serviceBusConnectionString may carry a key; null with a namespace (managed identity)
 * @param queuePrefix before every queue's name (and the region leases' blob container's)
 */
public record MessagingSettings(
        MessagingService service,
        String serviceBusConnectionString,
        String serviceBusNamespace,
        String queuePrefix) {

    /** Where the intake queues live; the setting's value is the lower-case name. */
    public enum MessagingService {
        /** Azure Storage Queues (Azurite locally): the default, needs nothing beyond the storage account. */
        StorageQueues,
        /** Azure Service Bus: sessions per region, duplicate detection; what the Azure deployment uses. */
        ServiceBus;

        public String settingValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Without the Service Bus connection string, which may carry a key: settings get logged. */
    @Override
    public String toString() {
        return "MessagingSettings[service=" + (service == null ? null : service.settingValue())
                + ", serviceBusConnectionString=" + (serviceBusConnectionString == null ? null : "<redacted>")
                + ", serviceBusNamespace=" + serviceBusNamespace + ", queuePrefix=" + queuePrefix + "]";
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The messaging settings among {@code values}, a wrong {@code MESSAGING} value added to {@code problems}. */
    static Builder read(Map<String, String> values, List<String> problems) {
        return builder()
                .service(SettingValues.choice(values, MESSAGING, MessagingService.StorageQueues, MessagingService::settingValue,
                        problems))
                .serviceBusConnectionString(SettingValues.text(values, SERVICEBUS_CONNECTION_STRING))
                .serviceBusNamespace(SettingValues.text(values, SERVICEBUS_NAMESPACE))
                .queuePrefix(SettingValues.text(values, QUEUE_PREFIX, ""));
    }

    /** Builds messaging settings; {@link ControlPlaneSettings.Builder#build()} checks them with the rest. */
    public static final class Builder {
        private MessagingService service = MessagingService.StorageQueues;
        private String serviceBusConnectionString;
        private String serviceBusNamespace;
        private String queuePrefix = "";

        private Builder() {
        }

        public Builder service(MessagingService value) { this.service = value; return this; }
        public Builder serviceBusConnectionString(String value) { this.serviceBusConnectionString = value; return this; }
        public Builder serviceBusNamespace(String value) { this.serviceBusNamespace = value; return this; }
        public Builder queuePrefix(String value) { this.queuePrefix = value; return this; }

        /** The settings, with what is wrong with them (with {@code storage}'s queues) added to {@code problems}. */
        MessagingSettings build(StorageSettings storage, List<String> problems) {
            if (service == null) {
                problems.add(MESSAGING + " must be storagequeues or servicebus");
            } else if (service == MessagingService.StorageQueues && storage.connectionString() == null
                    && storage.queueEndpoint() == null && storage.tableEndpoint() != null) {
                problems.add("set " + QUEUE_ENDPOINT + " (https://<account>.queue.core.windows.net): it cannot be derived from "
                        + TABLE_ENDPOINT);
            } else if (service == MessagingService.ServiceBus && serviceBusConnectionString == null && serviceBusNamespace == null) {
                problems.add(MESSAGING + "=servicebus needs " + SERVICEBUS_CONNECTION_STRING + " or " + SERVICEBUS_NAMESPACE);
            }
            if (serviceBusConnectionString != null
                    && !serviceBusConnectionString.toLowerCase(Locale.ROOT).contains("endpoint=sb://")) {
                problems.add(SERVICEBUS_CONNECTION_STRING + " must be a Service Bus connection string (Endpoint=sb://...)");
            }
            if (serviceBusNamespace != null && !serviceBusNamespace.matches("[A-Za-z0-9][A-Za-z0-9-]*(\\.[A-Za-z0-9-]+)+")) {
                problems.add(SERVICEBUS_NAMESPACE + " must be the fully qualified host name, e.g. contoso.servicebus.windows.net"
                        + " (no sb:// or https://)");
            }
            if (queuePrefix == null || queuePrefix.length() > 43 || !queuePrefix.matches("([a-z0-9]+(-[a-z0-9]+)*-?)?")) {
                problems.add(QUEUE_PREFIX + " must be lower-case letters, digits and single hyphens, not starting with a hyphen,"
                        + " at most 43");
            }
            return new MessagingSettings(service, serviceBusConnectionString, serviceBusNamespace, queuePrefix);
        }
    }
}
