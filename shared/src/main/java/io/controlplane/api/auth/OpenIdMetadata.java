package io.controlplane.api.auth;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.ResourceRetriever;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.util.Locale;
import java.util.Map;

/**
 * The two members of an OpenID Provider's configuration document that token validation needs: the
 * {@code issuer} (exact, or Entra's multi-tenant template with {@code {tenantid}}) and the
 * {@code jwks_uri} of its signing keys.
 */
record OpenIdMetadata(String issuer, URL jwksUri) {

    /** Fetches and parses the document at {@code url}; any failure is worth a later retry. */
    static OpenIdMetadata fetch(URL url, ResourceRetriever retriever) throws IOException, ParseException {
        return parse(retriever.retrieveResource(url).getContent(), url);
    }

    /**
     * The keys must come over https, like the document itself; plain http only when the document
     * was fetched over http (a loopback test issuer: settings allow nothing else).
     */
    static OpenIdMetadata parse(String json, URL from) throws ParseException {
        Map<String, Object> document = JSONObjectUtils.parse(json);
        String issuer = JSONObjectUtils.getString(document, "issuer");
        String jwksUri = JSONObjectUtils.getString(document, "jwks_uri");
        if (issuer == null || issuer.isBlank()) {
            throw new ParseException("the OpenID configuration has no issuer", 0);
        }
        if (jwksUri == null || jwksUri.isBlank()) {
            throw new ParseException("the OpenID configuration has no jwks_uri", 0);
        }
        URL keys;
        try {
            keys = URI.create(jwksUri).toURL();
        } catch (IllegalArgumentException | MalformedURLException e) {
            throw new ParseException("the OpenID configuration's jwks_uri is not a URL: " + jwksUri, 0);
        }
        String scheme = keys.getProtocol().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(scheme.equals("http") && from.getProtocol().equalsIgnoreCase("http"))) {
            throw new ParseException("the OpenID configuration's jwks_uri must be https: " + jwksUri, 0);
        }
        return new OpenIdMetadata(issuer, keys);
    }
}
