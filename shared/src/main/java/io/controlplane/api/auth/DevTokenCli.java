package io.controlplane.api.auth;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code scripts/dev-token.sh}: prints a development token.
 * <pre>--tenant T --roles Jobs.Submit,Jobs.Read [--subject ID] [--ttl-minutes N] [--key-file F]</pre>
 */
public final class DevTokenCli {

    private DevTokenCli() {
    }

    public static void main(String[] args) {
        String tenant = null;
        String subject = null;
        List<String> roles = new ArrayList<>();
        long ttlMinutes = 60;
        String keyFile = env("DEV_ISSUER_KEY_FILE", ".local/dev-issuer-key.json");
        String issuer = env("AUTH_ISSUER", DevIssuer.DEFAULT_ISSUER);
        String audience = env("AUTH_AUDIENCE", DevIssuer.DEFAULT_AUDIENCE);
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--tenant" -> tenant = args[++i];
                    case "--subject" -> subject = args[++i];
                    case "--roles" -> roles.addAll(Arrays.stream(args[++i].split(",")).map(String::trim)
                            .filter(r -> !r.isEmpty()).toList());
                    case "--ttl-minutes" -> ttlMinutes = Long.parseLong(args[++i]);
                    case "--key-file" -> keyFile = args[++i];
                    case "--help", "-h" -> {
                        usage();
                        return;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
        } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
            usage();
            System.exit(2);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            usage();
            System.exit(2);
        }
        if (tenant == null || tenant.isBlank()) {
            System.err.println("--tenant is required");
            usage();
            System.exit(2);
        }
        DevIssuer devIssuer = DevIssuer.loadOrCreate(Path.of(keyFile), issuer, audience);
        System.out.println(devIssuer.token(tenant, subject == null ? "dev-user@" + tenant : subject, roles,
                Duration.ofMinutes(ttlMinutes)));
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static void usage() {
        System.err.println("usage: dev-token.sh --tenant TENANT --roles Role1,Role2 [--subject ID] [--ttl-minutes N] [--key-file FILE]");
    }
}
