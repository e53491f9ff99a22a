package io.controlplane.validation;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which hosts a job's {@code source.url} and {@code target.url} may name. The operator's agents
 * connect to them with the tenant's credentials, from inside the operator's network: a URL naming a
 * loopback, link-local (the cloud metadata service, {@code 169.254.169.254}), private, shared (CGNAT)
 * or unique-local address, or an obviously local name, would have them reach what only the
 * operator should (server-side request forgery). Nothing is resolved here (no DNS at submission, no
 * answer that changes between check and use): literal addresses in every spelling an agent's
 * resolver might accept, and names that are local by convention, are refused; a public name that
 * resolves to a private address is the agent's to refuse when it connects. Hosts an operator lists
 * ({@code JOBS_ALLOWED_PRIVATE_HOSTS}: exact names, {@code *.domain} patterns, literal addresses) are
 * allowed: a self-hosted Team Foundation Server on a private network.
 */
public final class EndpointHosts {

    private static final Set<String> LOCAL_SUFFIXES = Set.of("localhost", "local", "internal", "localdomain", "home.arpa",
            "intranet", "lan", "corp");
    private static final Pattern DOTTED_QUAD = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
            + "(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    /** Numeric or hex labels: inet_aton reads 2130706433, 0x7f.1 or 017700000001 as 127.0.0.1. */
    private static final Pattern NUMERIC_HOST = Pattern.compile("(0x[0-9a-f]*|[0-9]+)(\\.(0x[0-9a-f]*|[0-9]*))*\\.?");

    private final Set<String> allowed;

    /** @param allowed lower-case host names, {@code *.suffix} patterns and literal addresses allowed although private */
    public EndpointHosts(Set<String> allowed) {
        this.allowed = Set.copyOf(allowed);
    }

    public static EndpointHosts publicOnly() {
        return new EndpointHosts(Set.of());
    }

    /** Why the host may not be named, or empty when it may. {@code host} as {@link java.net.URI#getHost()} gives it. */
    public Optional<String> refusal(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (isAllowed(h)) {
            return Optional.empty();
        }
        String hint = "; an operator allows a host on a private network with JOBS_ALLOWED_PRIVATE_HOSTS";
        if (h.startsWith("[")) {
            return ipv6Refusal(h.substring(1, h.length() - 1)).map(why -> "names " + why + hint);
        }
        if (NUMERIC_HOST.matcher(h).matches()) {
            if (!DOTTED_QUAD.matcher(h).matches()) {
                return Optional.of("names an IPv4 address in an unusual form; write it as four decimal numbers (a.b.c.d)");
            }
            return ipv4Refusal(h).map(why -> "names " + why + hint);
        }
        String name = h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
        if (!name.contains(".")) {
            return Optional.of("names '" + name + "', a single-label host that resolves within the agent's own network" + hint);
        }
        for (String suffix : LOCAL_SUFFIXES) {
            if (name.equals(suffix) || name.endsWith("." + suffix)) {
                return Optional.of("names a host under ." + suffix + ", a local name" + hint);
            }
        }
        return Optional.empty();
    }

    private boolean isAllowed(String host) {
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        for (String entry : allowed) {
            if (entry.startsWith("*.") ? h.endsWith(entry.substring(1)) : entry.equals(h)) {
                return true;
            }
        }
        return false;
    }

    private static Optional<String> ipv4Refusal(String address) {
        String[] p = address.split("\\.");
        int a = Integer.parseInt(p[0]);
        int b = Integer.parseInt(p[1]);
        if (a == 127) {
            return Optional.of("a loopback address");
        }
        if (a == 169 && b == 254) {
            return Optional.of("a link-local address (the cloud metadata service lives there)");
        }
        if (a == 10 || a == 172 && b >= 16 && b <= 31 || a == 192 && b == 168) {
            return Optional.of("a private address");
        }
        if (a == 100 && b >= 64 && b <= 127) {
            return Optional.of("a shared (carrier-grade NAT) address");
        }
        if (a == 0 || a >= 224) {
            return Optional.of("an unspecified, multicast or reserved address");
        }
        if (a == 192 && b == 0 && Integer.parseInt(p[2]) == 0 || a == 198 && (b == 18 || b == 19)) {
            return Optional.of("a reserved address");
        }
        return Optional.empty();
    }

    private static Optional<String> ipv6Refusal(String literal) {
        String a = literal.contains("%") ? literal.substring(0, literal.indexOf('%')) : literal;
        byte[] bytes;
        try {
            // A literal only (the validator saw brackets): no name is looked up.
            bytes = InetAddress.getByName("[" + a + "]").getAddress();
        } catch (UnknownHostException e) {
            return Optional.of("an IPv6 address that cannot be read");
        }
        if (bytes.length == 4) {
            return ipv4Refusal((bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff));
        }
        boolean zeroPrefix = true;
        for (int i = 0; i < 10; i++) {
            zeroPrefix &= bytes[i] == 0;
        }
        if (zeroPrefix && (bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff || bytes[10] == 0 && bytes[11] == 0)) {
            // ::ffff:a.b.c.d (IPv4-mapped), ::a.b.c.d (IPv4-compatible), :: and ::1 among them
            String v4 = (bytes[12] & 0xff) + "." + (bytes[13] & 0xff) + "." + (bytes[14] & 0xff) + "." + (bytes[15] & 0xff);
            return ipv4Refusal(v4).or(() -> Optional.of("an IPv4-mapped or -compatible IPv6 address"));
        }
        int first = bytes[0] & 0xff;
        int second = bytes[1] & 0xff;
        if (first == 0xfe && (second & 0xc0) == 0x80) {
            return Optional.of("a link-local address");
        }
        if ((first & 0xfe) == 0xfc) {
            return Optional.of("a unique-local (private) address");
        }
        if (first == 0xff || first == 0xfe && (second & 0xc0) == 0xc0) {
            return Optional.of("a multicast or site-local address");
        }
        if (first == 0x00 || first == 0x20 && second == 0x02 || first == 0x00 && second == 0x64) {
            return Optional.of("a reserved or translated address");
        }
        return Optional.empty();
    }
}
