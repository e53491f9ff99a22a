package io.controlplane.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OpenIdMetadataTest {

    private static final URL ENTRA = url("https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration");

    private static URL url(String value) {
        try {
            return URI.create(value).toURL();
        } catch (java.net.MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void theIssuerAndKeySetComeFromTheDocument() throws ParseException {
        OpenIdMetadata metadata = OpenIdMetadata.parse("""
                {"token_endpoint":"https://login.microsoftonline.com/organizations/oauth2/v2.0/token",
                 "jwks_uri":"https://login.microsoftonline.com/organizations/discovery/v2.0/keys",
                 "issuer":"https://login.microsoftonline.com/{tenantid}/v2.0",
                 "id_token_signing_alg_values_supported":["RS256"]}""", ENTRA);

        assertThat(metadata.issuer()).isEqualTo("https://login.microsoftonline.com/{tenantid}/v2.0");
        assertThat(metadata.jwksUri()).hasToString("https://login.microsoftonline.com/organizations/discovery/v2.0/keys");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"jwks_uri\":\"https://login.microsoftonline.com/common/discovery/v2.0/keys\"}",
        "{\"issuer\":\" \",\"jwks_uri\":\"https://login.microsoftonline.com/common/discovery/v2.0/keys\"}",
        "{\"issuer\":\"https://login.microsoftonline.com/{tenantid}/v2.0\"}",
        "{\"issuer\":\"https://login.microsoftonline.com/{tenantid}/v2.0\",\"jwks_uri\":\"keys\"}",
        "{\"issuer\":\"https://login.microsoftonline.com/{tenantid}/v2.0\",\"jwks_uri\":\"file:///etc/keys.json\"}",
        "{\"issuer\":\"https://login.microsoftonline.com/{tenantid}/v2.0\",\"jwks_uri\":\"http://login.microsoftonline.com/keys\"}",
        "{\"issuer\":42,\"jwks_uri\":\"https://login.microsoftonline.com/common/discovery/v2.0/keys\"}",
        "<html>Sign in</html>"})
    void aDocumentWithoutAnIssuerOrAnHttpsKeySetIsRefused(String document) {
        assertThatThrownBy(() -> OpenIdMetadata.parse(document, ENTRA)).isInstanceOf(ParseException.class);
    }

    @Test
    void plainHttpKeysOnlyFromAPlainHttpDocument() throws ParseException {
        String document = "{\"issuer\":\"http://127.0.0.1:8080/t/v2.0\",\"jwks_uri\":\"http://127.0.0.1:8080/keys\"}";

        assertThat(OpenIdMetadata.parse(document, url("http://127.0.0.1:8080/t/v2.0/.well-known/openid-configuration"))
                .jwksUri()).hasToString("http://127.0.0.1:8080/keys");
        assertThatThrownBy(() -> OpenIdMetadata.parse(document, ENTRA)).isInstanceOf(ParseException.class);
    }
}
