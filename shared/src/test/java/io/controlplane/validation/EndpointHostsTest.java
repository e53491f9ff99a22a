package io.controlplane.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which hosts agents may be sent to with a tenant's credentials: public ones, and what the operator allows. */
class EndpointHostsTest {

    private final EndpointHosts publicOnly = EndpointHosts.publicOnly();

    @ParameterizedTest
    @ValueSource(strings = {"dev.azure.com", "github.com", "tfs.contoso.com", "20.50.2.1", "8.8.8.8", "[2001:4860:4860::8888]",
            "DEV.AZURE.COM", "dev.azure.com.", "1e100.net", "172.32.0.1", "100.128.0.1", "192.169.0.1"})
    void publicHostsAreAccepted(String host) {
        assertThat(publicOnly.refusal(host)).as(host).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // loopback, link-local (cloud metadata), private, CGNAT, unspecified
            "127.0.0.1", "127.8.9.10", "169.254.169.254", "169.254.0.1", "10.0.0.5", "172.16.0.1", "172.31.255.255",
            "192.168.1.1", "100.64.0.1", "0.0.0.0", "224.0.0.1",
            // the same in other spellings an agent's resolver reads as addresses
            "2130706433", "0x7f000001", "0x7f.1", "017700000001", "127.1", "10.1",
            // IPv6: loopback, unspecified, link-local, unique-local, IPv4-mapped and -compatible, 6to4
            "[::1]", "[::]", "[fe80::1]", "[fe80::1%25eth0]", "[fd00::1]", "[fc00::5]", "[::ffff:169.254.169.254]",
            "[::ffff:7f00:1]", "[::127.0.0.1]", "[2002:a9fe:a9fe::]", "[ff02::1]",
            // local names
            "localhost", "LOCALHOST", "localhost.", "api.localhost", "metadata.google.internal", "host.docker.internal",
            "tfs.contoso.local", "kubernetes.default.svc.cluster.local", "nas.home.arpa", "tfs", "metadata", "build.lan",
            "server.localdomain", "git.corp"})
    void privateAndLocalHostsAreRefused(String host) {
        assertThat(publicOnly.refusal(host)).as(host).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tfs.contoso.local", "TFS.Contoso.Local", "git.build.corp.contoso.com", "10.20.0.15", "[fd00::15]", "tfs"})
    void hostsTheOperatorAllowsAreAccepted(String host) {
        EndpointHosts allowing = new EndpointHosts(Set.of("tfs.contoso.local", "*.corp.contoso.com", "10.20.0.15", "[fd00::15]",
                "tfs"));

        assertThat(allowing.refusal(host)).as(host).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tfs2.contoso.local", "corp.contoso.com.evil.example.local", "10.20.0.16", "169.254.169.254",
            "evilcorp.contoso.com.local"})
    void allowingSomeHostsAllowsNoOthers(String host) {
        EndpointHosts allowing = new EndpointHosts(Set.of("tfs.contoso.local", "*.corp.contoso.com", "10.20.0.15"));

        assertThat(allowing.refusal(host)).as(host).isPresent();
    }
}
