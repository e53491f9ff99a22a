package io.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Operator routes for tenants: entitlements, GDPR export and erase (role ControlPlane.Admin). */
@Command(name = "tenants", description = "Operators: a tenant's entitlement; export or erase everything stored for it.",
        subcommands = picocli.CommandLine.HelpCommand.class)
final class TenantsCommand extends Base {

    @Command(name = "get", description = "The tenant's entitlement.")
    int get(@Parameters(paramLabel = "TENANT") String tenant) {
        show(cli().client().get(path(tenant)).body());
        return ExitCodes.OK;
    }

    @Command(name = "set", description = "Replace the tenant's entitlement as a whole (a field left out takes its default).")
    int set(@Parameters(paramLabel = "TENANT") String tenant,
            @Option(names = "--file", paramLabel = "FILE", description = "The entitlement as JSON (instead of the options below).") Path file,
            @Option(names = "--tier", paramLabel = "TIER", description = "The highest tier: Standard, Premium or Platinum.") String tier,
            @Option(names = "--regions", split = ",", paramLabel = "REGION", description = "The regions it may submit to (default: every served region).") List<String> regions,
            @Option(names = "--max-concurrent-jobs", paramLabel = "N", description = "Its quota of unfinished jobs.") Integer maxConcurrentJobs,
            @Option(names = "--dedicated-pool", paramLabel = "POOL", description = "A pool of agents that run only its jobs.") String dedicatedPool,
            @Option(names = "--key-vaults", split = ",", paramLabel = "VAULT", description = "The Key Vaults its credential references may name.") List<String> keyVaults,
            @Option(names = "--env-pools", split = ",", paramLabel = "POOL", description = "The pools whose agents may resolve its env: references.") List<String> envPools,
            @Option(names = "--weight", paramLabel = "N", description = "Its fair-share weight among the tenants of its tier (default 1).") Integer weight) {
        byte[] body;
        if (file != null) {
            try {
                body = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new CliException(ExitCodes.USAGE, "cannot read " + file + ": " + e.getMessage(), e);
            }
        } else {
            if (tier == null) {
                throw new CliException(ExitCodes.USAGE, "--tier is required (or --file)");
            }
            ObjectNode entitlement = cli().json.createObjectNode().put("tier", tier);
            if (regions != null) {
                entitlement.set("regions", cli().json.valueToTree(regions));
            }
            if (maxConcurrentJobs != null) {
                entitlement.put("maxConcurrentJobs", maxConcurrentJobs);
            }
            if (dedicatedPool != null) {
                entitlement.put("dedicatedPool", dedicatedPool);
            }
            if (keyVaults != null) {
                entitlement.set("keyVaults", cli().json.valueToTree(keyVaults));
            }
            if (envPools != null) {
                entitlement.set("envPools", cli().json.valueToTree(envPools));
            }
            if (weight != null) {
                entitlement.put("weight", weight);
            }
            body = cli().client().toJson(entitlement);
        }
        show(cli().client().put(path(tenant), body).body());
        return ExitCodes.OK;
    }

    @Command(name = "export", description = "Everything stored for the tenant, as one JSON document (GDPR/CCPA access request).")
    int export(@Parameters(paramLabel = "TENANT") String tenant,
               @Option(names = "--file", paramLabel = "FILE", description = "Write it to FILE (owner-only permissions) instead of stdout.") Path file) {
        JsonNode export = cli().client().get(path(tenant) + "/export").body();
        if (file == null) {
            cli().output().document(cli().format == Output.Format.yaml ? Output.Format.yaml : Output.Format.json, export);
            return ExitCodes.OK;
        }
        try {
            Files.deleteIfExists(file);
            Files.createFile(file);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // Windows: the file keeps its folder's permissions
            }
            Files.write(file, cli().json.writerWithDefaultPrettyPrinter().writeValueAsBytes(export));
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot write " + file + ": " + e.getMessage(), e);
        }
        cli().err.println("Exported tenant " + tenant + " to " + file + ".");
        return ExitCodes.OK;
    }

    @Command(name = "erase", description = "Erase everything stored for the tenant (GDPR/CCPA erasure), for good.")
    int erase(@Parameters(paramLabel = "TENANT") String tenant,
              @Option(names = "--yes", description = "Confirm: nothing of the tenant can be brought back.") boolean yes) {
        return erase(yes, "export first if the data is to be handed over, then ", path(tenant), "tenant " + tenant);
    }

    private void show(JsonNode entitlement) {
        cli().output().document(cli().format == Output.Format.json ? Output.Format.json : Output.Format.yaml, entitlement);
    }

    private static String path(String tenant) {
        return "/api/admin/tenants/" + ApiClient.segment(tenant);
    }
}
