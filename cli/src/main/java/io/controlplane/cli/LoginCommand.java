package io.controlplane.cli;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.DeviceCodeCredential;
import com.azure.identity.DeviceCodeCredentialBuilder;
import io.controlplane.api.auth.DevIssuer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Signs in and caches the token for the profile: Entra ID's device code flow (azure-identity), or
 * with {@code --dev} a token of the local development issuer, signed with its key file exactly as
 * {@code scripts/dev-token.sh} does.
 */
@Command(name = "login", description = {
        "Sign in and cache the token for the profile (owner-only file in the configuration folder).",
        "Entra ID: device code sign-in (open the address shown, enter the code).",
        "--dev: a token of the local development issuer (the key file of scripts/run-local.sh); refused by Production deployments."})
final class LoginCommand extends Base implements Callable<Integer> {

    static final String DEFAULT_SCOPE = DevIssuer.DEFAULT_AUDIENCE + "/.default";
    static final List<String> CLIENT_ROLES = List.of("Jobs.Submit", "Jobs.Read", "Jobs.Manage");

    @Option(names = "--dev", description = "Mint a development token instead of signing in to Entra ID.")
    boolean dev;

    @Option(names = "--tenant", paramLabel = "TENANT",
            description = "With --dev: the token's tenant (tid). Otherwise the Entra ID tenant to sign in to (default: the profile's, else 'organizations').")
    String tenant;

    @Option(names = "--roles", split = ",", paramLabel = "ROLE",
            description = "With --dev: the token's roles (default: Jobs.Submit,Jobs.Read,Jobs.Manage; operators: ControlPlane.Admin).")
    List<String> roles;

    @Option(names = "--subject", paramLabel = "ID", description = "With --dev: the token's subject (default: cli-user@TENANT).")
    String subject;

    @Option(names = "--ttl-minutes", paramLabel = "N", defaultValue = "60", description = "With --dev: the token's lifetime (default: ${DEFAULT-VALUE}).")
    long ttlMinutes;

    @Option(names = "--key-file", paramLabel = "FILE",
            description = "With --dev: the issuer's key file (default: $DEV_ISSUER_KEY_FILE, else .local/dev-issuer-key.json).")
    Path keyFile;

    @Option(names = "--client-id", paramLabel = "ID", description = "Entra ID: the application (client) id to sign in with (saved in the profile).")
    String clientId;

    @Option(names = "--scope", paramLabel = "SCOPE", description = "Entra ID: the scope to ask for (default: the profile's, else " + DEFAULT_SCOPE + ").")
    String scope;

    @Option(names = "--authority-host", paramLabel = "URL",
            description = {"Entra ID: the sign-in authority (https; default: $AZURE_AUTHORITY_HOST, else the public cloud's).",
                    "A host Microsoft's instance discovery does not know (a private authority, a test double) is used as given."})
    String authorityHost;

    @Override
    public Integer call() {
        Cpctl cli = cli();
        ConfigStore config = cli.config();
        String name = cli.profileName();
        ConfigStore.Profile profile = config.profile(name).orElse(new ConfigStore.Profile(null, null, null, null));
        if (cli.url != null) {
            profile = profile.withUrl(cli.baseUrl(name).toString());
        }
        if (profile.url() == null) {
            throw new CliException(ExitCodes.USAGE, "profile " + name + " names no control plane: pass --url URL (it is saved in the profile)");
        }
        ConfigStore.Token token;
        if (dev) {
            token = devToken(cli);
        } else {
            String entraTenant = first(tenant, profile.entraTenant(), "organizations");
            String client = first(clientId, profile.clientId(), null);
            if (client == null) {
                throw new CliException(ExitCodes.USAGE, "Entra ID sign-in needs the application's --client-id (saved in the profile), or --dev");
            }
            String wanted = first(scope, profile.scope(), DEFAULT_SCOPE);
            profile = new ConfigStore.Profile(profile.url(), entraTenant, client, wanted);
            token = deviceCode(cli, entraTenant, client, wanted, authorityHost);
        }
        config.saveProfile(name, profile, false);
        config.saveToken(name, token);
        cli.err.println("Signed in with profile " + name + " (" + profile.url() + "), " + token.kind() + " token valid until " + token.expiresAt() + ".");
        return ExitCodes.OK;
    }

    private ConfigStore.Token devToken(Cpctl cli) {
        if (tenant == null || tenant.isBlank()) {
            throw new CliException(ExitCodes.USAGE, "--dev needs --tenant (the token's tenant)");
        }
        if (ttlMinutes < 1 || ttlMinutes > 24 * 60) {
            throw new CliException(ExitCodes.USAGE, "--ttl-minutes must be 1 to 1440");
        }
        Path key = keyFile != null ? keyFile : Path.of(first(Cpctl.blankToNull(cli.env.get("DEV_ISSUER_KEY_FILE")), null, ".local/dev-issuer-key.json"));
        String issuer = first(Cpctl.blankToNull(cli.env.get("AUTH_ISSUER")), null, DevIssuer.DEFAULT_ISSUER);
        String audience = first(Cpctl.blankToNull(cli.env.get("AUTH_AUDIENCE")), null, DevIssuer.DEFAULT_AUDIENCE);
        Duration lifetime = Duration.ofMinutes(ttlMinutes);
        Instant expires = Instant.now(cli.clock).plus(lifetime);
        String jwt = DevIssuer.loadOrCreate(key, issuer, audience)
                .token(tenant, subject != null ? subject : "cli-user@" + tenant, roles != null ? roles : CLIENT_ROLES, lifetime);
        return new ConfigStore.Token(jwt, expires, "dev");
    }

    private static ConfigStore.Token deviceCode(Cpctl cli, String entraTenant, String client, String wanted, String authority) {
        DeviceCodeCredentialBuilder builder = new DeviceCodeCredentialBuilder()
                .tenantId(entraTenant)
                .clientId(client)
                .challengeConsumer(challenge -> {
                    cli.err.println(challenge.getMessage());
                    cli.err.flush();
                });
        if (authority != null) {
            if (!authority.startsWith("https://")) {
                throw new CliException(ExitCodes.USAGE, "--authority-host must be an https:// URL");
            }
            // Instance discovery asks Microsoft's public endpoint about the host: skipped for a host given here.
            builder.authorityHost(authority).disableInstanceDiscovery();
        }
        DeviceCodeCredential credential = builder.build();
        try {
            AccessToken token = credential.getTokenSync(new TokenRequestContext().addScopes(wanted));
            return new ConfigStore.Token(token.getToken(), token.getExpiresAt().toInstant(), "entra");
        } catch (RuntimeException e) {
            throw new CliException(ExitCodes.AUTH, "Entra ID sign-in failed: " + e.getMessage(), e);
        }
    }

    private static String first(String a, String b, String fallback) {
        return a != null ? a : b != null ? b : fallback;
    }
}
