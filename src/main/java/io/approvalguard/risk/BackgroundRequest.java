package io.approvalguard.risk;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.UriInfo;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import org.keycloak.http.FormPartValue;
import org.keycloak.http.HttpRequest;

/**
 * The request a background response runs "inside": Keycloak's logout code builds URLs (the logout
 * token's issuer, the cookie path) from the current request. The relay has none, so the realm's
 * base URL, remembered in the event's source, stands in, as Keycloak's brute-force protector does
 * for its own background work.
 */
final class BackgroundRequest implements HttpRequest {

    private final UriInfo uriInfo;
    private final HttpHeaders headers;

    BackgroundRequest(URI baseUri) {
        this.uriInfo =
                (UriInfo)
                        Proxy.newProxyInstance(
                                UriInfo.class.getClassLoader(),
                                new Class<?>[] {UriInfo.class},
                                (proxy, method, args) ->
                                        switch (method.getName()) {
                                            case "getBaseUri", "getRequestUri", "getAbsolutePath" ->
                                                    baseUri;
                                            case "getBaseUriBuilder",
                                                    "getRequestUriBuilder",
                                                    "getAbsolutePathBuilder" ->
                                                    UriBuilder.fromUri(baseUri);
                                            case "getPath" -> "";
                                            case "getQueryParameters", "getPathParameters" ->
                                                    new MultivaluedHashMap<String, String>();
                                            case "getPathSegments",
                                                    "getMatchedURIs",
                                                    "getMatchedResources" ->
                                                    List.of();
                                            case "toString" -> "BackgroundRequest(" + baseUri + ")";
                                            case "hashCode" -> System.identityHashCode(proxy);
                                            case "equals" -> proxy == args[0];
                                            default ->
                                                    throw new UnsupportedOperationException(
                                                            "not available in background work: "
                                                                    + method.getName());
                                        });
        this.headers =
                (HttpHeaders)
                        Proxy.newProxyInstance(
                                HttpHeaders.class.getClassLoader(),
                                new Class<?>[] {HttpHeaders.class},
                                (proxy, method, args) ->
                                        switch (method.getName()) {
                                            case "getRequestHeader", "getAcceptableLanguages" ->
                                                    List.of();
                                            case "getAcceptableMediaTypes" ->
                                                    List.of(MediaType.WILDCARD_TYPE);
                                            case "getRequestHeaders" ->
                                                    new MultivaluedHashMap<String, String>();
                                            case "getCookies" -> Map.of();
                                            case "getLength" -> -1;
                                            case "hashCode" -> System.identityHashCode(proxy);
                                            case "equals" -> proxy == args[0];
                                            default -> null;
                                        });
    }

    /**
     * The base URL ({@code https://host/}) of an issuer URL such as {@code
     * https://host/realms/demo}, or null.
     */
    static URI baseOf(String source) {
        if (source == null || !source.startsWith("http")) {
            return null;
        }
        int realms = source.lastIndexOf("/realms/");
        return realms < 0 ? null : URI.create(source.substring(0, realms + 1));
    }

    @Override
    public String getHttpMethod() {
        return "POST";
    }

    @Override
    public MultivaluedMap<String, String> getDecodedFormParameters() {
        return new MultivaluedHashMap<>();
    }

    @Override
    public MultivaluedMap<String, FormPartValue> getMultiPartFormParameters() {
        return new MultivaluedHashMap<>();
    }

    @Override
    public HttpHeaders getHttpHeaders() {
        return headers;
    }

    @Override
    public X509Certificate[] getClientCertificateChain() {
        return null;
    }

    @Override
    public UriInfo getUri() {
        return uriInfo;
    }

    @Override
    public boolean isProxyTrusted() {
        return true;
    }
}
