package io.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which organisation a source or target touches: the unit whose rate limits its jobs share. */
class OrganisationsTest {

    private static String key(EndpointType type, String url) {
        return Organisations.keyOf(new Endpoint(type, url, "P", null)).orElse(null);
    }

    @Test
    void anAzureDevOpsUrlNamesItsOrganisationWhicheverFormItTakes() {
        assertThat(key(EndpointType.AzureDevOps, "https://dev.azure.com/Contoso")).isEqualTo("dev.azure.com:contoso");
        assertThat(key(EndpointType.AzureDevOps, "https://dev.azure.com/contoso/Alpha/_git/repo")).isEqualTo("dev.azure.com:contoso");
        assertThat(key(EndpointType.AzureDevOps, "https://contoso.visualstudio.com/Alpha")).isEqualTo("dev.azure.com:contoso");
    }

    @Test
    void aTfsUrlNamesItsCollectionAndAGitUrlItsOwner() {
        assertThat(key(EndpointType.TeamFoundationServer, "https://tfs.contoso.local/tfs/DefaultCollection/Alpha"))
                .isEqualTo("tfs.contoso.local:defaultcollection");
        assertThat(key(EndpointType.TeamFoundationServer, "https://tfs.contoso.local:8080/Legacy")).isEqualTo("tfs.contoso.local:legacy");
        assertThat(key(EndpointType.Git, "https://github.com/Fabrikam/widgets.git")).isEqualTo("github.com:fabrikam");
        assertThat(key(EndpointType.Git, "https://git.example.org")).isEqualTo("git.example.org");
    }

    @Test
    void aUrlWithoutAHostNamesNoOrganisation() {
        assertThat(key(EndpointType.Git, "not a url")).isNull();
        assertThat(key(EndpointType.Git, "file:///srv/repo")).isNull();
    }

    @Test
    void aJobTouchesItsSourcesAndItsTargetsOrganisationsOnceEach() {
        JobSpec both = JobSpecs.aJobSpec().build(); // dev.azure.com/contoso to dev.azure.com/fabrikam
        assertThat(Organisations.of(both)).containsExactly("dev.azure.com:contoso", "dev.azure.com:fabrikam");
        JobSpec within = JobSpecs.aJobSpec().withTarget(new Endpoint(EndpointType.AzureDevOps, "https://dev.azure.com/contoso",
                "Other", null)).build();
        assertThat(Organisations.of(within)).containsExactly("dev.azure.com:contoso");
        assertThat(Organisations.isKey("dev.azure.com:contoso")).isTrue();
        assertThat(Organisations.isKey("Dev.Azure.com/contoso")).isFalse();
    }
}
