package io.controlplane.domain;

/**
 * A source or target system. {@code credentialRef} is a reference (Key Vault secret URI or
 * {@code env:NAME}), never a secret value; it may be absent for systems that need none.
 */
public record Endpoint(EndpointType type, String url, String project, String credentialRef) {
}
