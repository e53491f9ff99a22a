package io.controlplane.validation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The rules one by one; JobSpecValidatorTest covers where in a spec they apply. */
class SecretScannerTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst                                 | Azure DevOps personal access token",
            "pat=abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst;                            | Azure DevOps personal access token",
            "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8                                             | GitHub token",
            "gho_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8                                             | GitHub token",
            "github_pat_11ABCDEFG0123456789_abcdefghijklmnop                                      | GitHub token",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl                               | JSON Web Token",
            "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=abc123==                     | connection string with a key or password",
            "Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=k1= | connection string with a key or password",
            "Server=db;User Id=sa;Password=hunter2                                                | connection string with a key or password",
            "https://x.blob.core.windows.net/c?sv=2022-11-02&sig=AbCdEfGhIjKl%2B                  | shared access signature",
            "-----BEGIN OPENSSH PRIVATE KEY-----                                                  | private key",
            "-----BEGIN PRIVATE KEY-----                                                          | private key",
            "AKIAABCDEFGHIJKLMNOP                                                                 | AWS access key",
            "xoxb-0000000000-FAKEfakeFAKE                                                         | Slack token",
            "Bearer abcdefghijklmnopqrstuvwxyz                                                    | authorization header value",
            "Authorization: Basic YWxpY2U6aHVudGVyMg==                                            | authorization header value",
            "https://alice:hunter2@dev.azure.com/contoso                                          | URL with embedded credentials",
            "https://:hunter2@dev.azure.com/contoso                                               | URL with embedded credentials"})
    void aRawSecretIsRecognised(String value, String kind) {
        assertThat(SecretScanner.secretIn(value)).contains(kind);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://kv-contoso.vault.azure.net/secrets/src-pat",
            "env:ADO_PAT",
            "https://dev.azure.com/contoso",
            "ssh://git@github.com/fabrikam/beta.git",
            "9fceb02d0ae598e95dc970b74767f19372d61af8",
            "6f2f5f0c-3c3e-4b8a-9a47-1f0b2c7e5d11",
            "SELECT [System.Id] FROM WorkItems WHERE [System.Title] = 'Password reset'",
            "Basic migration of work items",
            "UseDevelopmentStorage=true"})
    void ordinaryValuesAreNotSecrets(String value) {
        assertThat(SecretScanner.secretIn(value)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"password", "Password", "client_secret", "clientSecret", "CLIENT-SECRET", "token", "pat",
            "apiKey", "connectionString", "Authorization", "sourcePassword", "webhookSecret", "githubAccessToken",
            "storageConnectionString"})
    void theseFieldNamesHoldSecrets(String name) {
        assertThat(SecretScanner.isSecretFieldName(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"name", "url", "credentialRef", "secretName", "tokenUrl", "continuationToken", "path",
            "passwordPolicy"})
    void theseFieldNamesDoNot(String name) {
        assertThat(SecretScanner.isSecretFieldName(name)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://kv-contoso.vault.azure.net/secrets/src-pat",
            "https://kv-contoso.vault.azure.net/secrets/src-pat/",
            "https://kv-contoso.vault.azure.net/secrets/src-pat/0123456789abcdef0123456789abcdef",
            "https://kv-china.vault.azure.cn/secrets/x",
            "https://kv-gov.vault.usgovcloudapi.net/secrets/x",
            "env:ADO_PAT",
            "env:_x"})
    void theseAreReferences(String value) {
        assertThat(SecretScanner.isSecretReference(value)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://kv-contoso.vault.azure.net/secrets/src-pat",
            "https://kv-contoso.vault.azure.net/keys/src-pat",
            "https://kv-contoso.vault.azure.net.evil.com/secrets/src-pat",
            "https://kv-contoso.vault.azure.net/secrets/src-pat?x=1",
            "https://kv.vault.azure.net/secrets/src-pat",
            "env:",
            "env:1ABC",
            "env:A B",
            "src-pat",
            ""})
    void theseAreNotReferences(String value) {
        assertThat(SecretScanner.isSecretReference(value)).isFalse();
    }
}
