package io.approvalguard.notify.fcm;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;
import org.keycloak.util.JsonSerialization;

/**
 * A Google service account as its JSON key file holds it: enough to sign the JWT-bearer grant and
 * to address the project's FCM endpoint. Errors name the member that is missing or wrong, never a
 * value of the key.
 *
 * @param projectId the Firebase project, part of the send URL
 * @param clientEmail the account, the JWT's issuer
 * @param privateKeyId the key's id, the JWT header's {@code kid}
 * @param privateKey the RSA key signing the JWT
 * @param tokenUri where access tokens are obtained
 */
public record ServiceAccount(
        String projectId,
        String clientEmail,
        String privateKeyId,
        PrivateKey privateKey,
        URI tokenUri) {

    /** A key file is a few KiB; anything far larger is not one. */
    static final int MAX_BYTES = 64 * 1024;

    /**
     * Project ids: lowercase letters, digits, hyphens; legacy domain-scoped ones hold "." and ":".
     * It goes into a URL path, so nothing else.
     */
    private static final Pattern PROJECT_ID = Pattern.compile("[a-z0-9][a-z0-9.:-]{0,99}");

    private static final Pattern VISIBLE_ASCII = Pattern.compile("[\\x21-\\x7e]{1,512}");

    /** Raised for a document that is not a usable service-account key; never holds key material. */
    public static final class InvalidServiceAccountException extends IllegalArgumentException {
        InvalidServiceAccountException(String message) {
            super(message);
        }
    }

    /**
     * Reads a service-account JSON document.
     *
     * @throws InvalidServiceAccountException naming the member that is missing or not valid
     */
    public static ServiceAccount parse(byte[] json) {
        if (json.length > MAX_BYTES) {
            throw invalid("it is larger than " + MAX_BYTES + " bytes");
        }
        Map<?, ?> members;
        try {
            members = JsonSerialization.readValue(json, Map.class);
        } catch (IOException | RuntimeException e) {
            // Jackson's message may quote the document, key included
            throw invalid("it is not a JSON object");
        }
        if (members == null) {
            throw invalid("it is not a JSON object");
        }
        String type = text(members, "type");
        if (!"service_account".equals(type)) {
            throw invalid("member type is not \"service_account\"");
        }
        String projectId = text(members, "project_id");
        if (!PROJECT_ID.matcher(projectId).matches()) {
            throw invalid("member project_id is not a Google Cloud project id");
        }
        String clientEmail = text(members, "client_email");
        if (!VISIBLE_ASCII.matcher(clientEmail).matches() || clientEmail.indexOf('@') < 1) {
            throw invalid("member client_email is not an e-mail address");
        }
        String keyId = text(members, "private_key_id");
        if (!VISIBLE_ASCII.matcher(keyId).matches()) {
            throw invalid("member private_key_id is not visible ASCII of 1 to 512 characters");
        }
        PrivateKey key = rsaKey(text(members, "private_key"));
        URI tokenUri = httpUrl(text(members, "token_uri"), "member token_uri");
        return new ServiceAccount(projectId, clientEmail, keyId, key, tokenUri);
    }

    /**
     * An absolute http(s) URL with a host and without user info (that would end up in logs).
     *
     * @param what names the value in the message
     */
    static URI httpUrl(String raw, String what) {
        try {
            URI uri = new URI(raw);
            if (uri.isAbsolute()
                    && uri.getHost() != null
                    && uri.getRawUserInfo() == null
                    && ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // said below
        }
        throw invalid(what + " is not an absolute http(s) URL without user info");
    }

    private static String text(Map<?, ?> members, String name) {
        Object value = members.get(name);
        if (value == null) {
            throw invalid("member " + name + " is missing");
        }
        if (!(value instanceof String text) || text.isBlank()) {
            throw invalid("member " + name + " is not a non-empty string");
        }
        return text.trim();
    }

    private static PrivateKey rsaKey(String pem) {
        String begin = "-----BEGIN PRIVATE KEY-----";
        String end = "-----END PRIVATE KEY-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            throw invalid("member private_key is not a PKCS#8 PEM block (BEGIN PRIVATE KEY)");
        }
        try {
            byte[] der =
                    Base64.getMimeDecoder()
                            .decode(
                                    pem.substring(from + begin.length(), to)
                                            .getBytes(StandardCharsets.US_ASCII));
            PrivateKey key =
                    KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
            if (!(key instanceof RSAPrivateKey rsa) || rsa.getModulus().bitLength() < 2048) {
                throw invalid("member private_key is not an RSA key of at least 2048 bits");
            }
            return key;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            if (e instanceof InvalidServiceAccountException known) {
                throw known;
            }
            // the provider's message is left out: it is about the key's bytes
            throw invalid("member private_key is not a PKCS#8 RSA private key");
        }
    }

    private static InvalidServiceAccountException invalid(String why) {
        return new InvalidServiceAccountException("not a usable service-account key: " + why);
    }

    /** The key stays out of logs and messages, whatever prints this. */
    @Override
    public String toString() {
        return "ServiceAccount[project "
                + projectId
                + ", "
                + clientEmail
                + ", token URI "
                + tokenUri.getScheme()
                + "://"
                + tokenUri.getAuthority()
                + "]";
    }
}
