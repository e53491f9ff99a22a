package io.controlplane.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.controlplane.api.Json;
import java.util.List;
import java.util.Map;

/**
 * Valid job specs for tests, as values ({@code aJobSpec().withTier(Tier.Platinum).build()}) and as
 * the JSON a client would POST ({@link #validSpecJson()}). Both default to the example spec of docs/openapi.yaml.
 */
public final class JobSpecs {

    public static final String SOURCE_CREDENTIAL = "https://kv-contoso.vault.azure.net/secrets/src-pat";
    public static final String TARGET_CREDENTIAL = "https://kv-contoso.vault.azure.net/secrets/tgt-pat";

    /** The job spec example of docs/openapi.yaml ({@code JobSpecMigrate}), verbatim. */
    public static final String API_EXAMPLE = """
            {
              "name": "contoso/Alpha to fabrikam/Beta",
              "tier": "Premium",
              "region": "westeurope",
              "kind": "Migrate",
              "requiredCapabilities": ["azure-devops"],
              "source": { "type": "AzureDevOps", "url": "https://dev.azure.com/contoso", "project": "Alpha", "credentialRef": "https://kv-contoso.vault.azure.net/secrets/src-pat" },
              "target": { "type": "AzureDevOps", "url": "https://dev.azure.com/fabrikam", "project": "Beta", "credentialRef": "https://kv-contoso.vault.azure.net/secrets/tgt-pat" },
              "mappingScope": "contoso-alpha-to-fabrikam-beta",
              "config": { "processors": [ { "type": "WorkItemMigration", "wiql": "SELECT [System.Id] FROM WorkItems" } ] },
              "policy": { "maxRetries": 3, "preemptible": true }
            }
            """;

    private JobSpecs() {
    }

    public static Builder aJobSpec() {
        return new Builder();
    }

    /** A fresh, mutable copy of the example spec body; change it freely. */
    public static ObjectNode validSpecJson() {
        try {
            return (ObjectNode) Json.mapper().readTree(API_EXAMPLE);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the example spec does not parse", e);
        }
    }

    /** Builds a valid {@link JobSpec}; every field defaults to the example spec. */
    public static final class Builder {
        private String name = "contoso/Alpha to fabrikam/Beta";
        private Tier tier = Tier.Premium;
        private String region = "westeurope";
        private JobKind kind = JobKind.Migrate;
        private List<String> capabilities = List.of("azure-devops");
        private Endpoint source = new Endpoint(EndpointType.AzureDevOps, "https://dev.azure.com/contoso", "Alpha",
                SOURCE_CREDENTIAL);
        private Endpoint target = new Endpoint(EndpointType.AzureDevOps, "https://dev.azure.com/fabrikam", "Beta",
                TARGET_CREDENTIAL);
        private String mappingScope = "contoso-alpha-to-fabrikam-beta";
        private Map<String, Object> config = Map.of("processors",
                List.of(Map.of("type", "WorkItemMigration", "wiql", "SELECT [System.Id] FROM WorkItems")));
        private JobPolicy policy = new JobPolicy(3, true);

        private Builder() {
        }

        public Builder withName(String value) {
            this.name = value;
            return this;
        }

        public Builder withTier(Tier value) {
            this.tier = value;
            return this;
        }

        public Builder withRegion(String value) {
            this.region = value;
            return this;
        }

        public Builder withKind(JobKind value) {
            this.kind = value;
            return this;
        }

        public Builder withCapabilities(String... values) {
            this.capabilities = List.of(values);
            return this;
        }

        public Builder withSource(Endpoint value) {
            this.source = value;
            return this;
        }

        public Builder withTarget(Endpoint value) {
            this.target = value;
            return this;
        }

        public Builder withMappingScope(String value) {
            this.mappingScope = value;
            return this;
        }

        public Builder withConfig(Map<String, Object> value) {
            this.config = value;
            return this;
        }

        public Builder withPolicy(JobPolicy value) {
            this.policy = value;
            return this;
        }

        public JobSpec build() {
            return new JobSpec(name, tier, region, kind, capabilities, source, target, mappingScope, config, policy);
        }
    }
}
