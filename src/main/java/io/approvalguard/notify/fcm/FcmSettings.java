package io.approvalguard.notify.fcm;

import io.approvalguard.notify.PushQueueSettings;
import io.approvalguard.support.config.Option;
import io.approvalguard.support.config.SpiOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The fcm notifier's server options ({@code --spi-approval-guard-notifier--fcm--<option>}).
 *
 * @param fileAccount the account read from {@code service-account-file}, or null
 * @param vaultKey the realm vault key holding the account, or null
 * @param tokenUri overrides the account's {@code token_uri}, or null
 * @param endpoint FCM's origin
 */
record FcmSettings(
        ServiceAccount fileAccount,
        String vaultKey,
        URI tokenUri,
        URI endpoint,
        PushQueueSettings queue) {

    static final String DEFAULT_ENDPOINT = "https://fcm.googleapis.com";

    /** Plain names only: anything else would not be read as a vault expression. */
    private static final Pattern VAULT_KEY = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

    static final Option<String> SERVICE_ACCOUNT_FILE =
            Option.text(
                    "service-account-file",
                    null,
                    "Path of the Firebase project's service-account JSON key file, read at start. Either this or service-account-vault-key.");
    static final Option<String> SERVICE_ACCOUNT_VAULT_KEY =
            Option.text(
                            "service-account-vault-key",
                            null,
                            "Name of a realm vault secret holding the service-account JSON, read per realm when sending. Either this or service-account-file.")
                    .matching(
                            key -> VAULT_KEY.matcher(key).matches(),
                            "a vault key of letters, digits, '.', '_' and '-'");
    static final Option<URI> TOKEN_URI =
            Option.httpUrl(
                    "token-uri",
                    "Where access tokens are obtained; unset: the service account's token_uri.");
    static final Option<String> ENDPOINT =
            Option.text(
                            "endpoint",
                            DEFAULT_ENDPOINT,
                            "Origin of the FCM HTTP v1 API; messages go to <endpoint>/v1/projects/<project_id>/messages:send.")
                    .matching(
                            FcmSettings::isOrigin,
                            "an http(s) origin: scheme, host, optional port");

    static final List<Option<?>> OPTIONS =
            List.of(SERVICE_ACCOUNT_FILE, SERVICE_ACCOUNT_VAULT_KEY, TOKEN_URI, ENDPOINT);

    /**
     * Reads and checks every option, and the service-account file; what cannot be right throws,
     * naming the option (and the key file's member), so that Keycloak does not start.
     */
    static FcmSettings read(SpiOptions options) {
        String file = options.get(SERVICE_ACCOUNT_FILE);
        String vaultKey = options.get(SERVICE_ACCOUNT_VAULT_KEY);
        if (file != null && vaultKey != null) {
            throw options.invalid(
                    SERVICE_ACCOUNT_VAULT_KEY,
                    vaultKey,
                    "unset when " + options.fullName(SERVICE_ACCOUNT_FILE) + " is set: one source");
        }
        URI tokenUri = options.get(TOKEN_URI);
        if (tokenUri != null && tokenUri.getRawUserInfo() != null) {
            throw options.invalid(
                    TOKEN_URI, "(with user info, not shown)", "a URL without user info");
        }
        ServiceAccount account = file == null ? null : readFile(options, file);
        return new FcmSettings(
                account,
                vaultKey,
                tokenUri,
                URI.create(options.get(ENDPOINT)),
                PushQueueSettings.read(options));
    }

    /** Null when the provider can send; else which options to set. */
    String unavailableReason() {
        if (fileAccount != null || vaultKey != null) {
            return null;
        }
        String prefix = "--" + FcmNotifierFactory.OPTION_PREFIX + "--";
        return "FCM is not configured: set "
                + prefix
                + SERVICE_ACCOUNT_FILE.name()
                + " or "
                + prefix
                + SERVICE_ACCOUNT_VAULT_KEY.name();
    }

    private static ServiceAccount readFile(SpiOptions options, String file) {
        byte[] json;
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            json = in.readNBytes(ServiceAccount.MAX_BYTES + 1);
        } catch (IOException | RuntimeException e) {
            throw options.invalid(
                    SERVICE_ACCOUNT_FILE,
                    file,
                    "a readable service-account JSON file (" + e.getClass().getSimpleName() + ")");
        }
        try {
            return ServiceAccount.parse(json);
        } catch (ServiceAccount.InvalidServiceAccountException e) {
            throw options.invalid(
                    SERVICE_ACCOUNT_FILE, file, "a service-account JSON file; " + e.getMessage());
        }
    }

    private static boolean isOrigin(String raw) {
        try {
            URI uri = new URI(raw);
            String path = uri.getRawPath();
            return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
                    && uri.getHost() != null
                    && uri.getRawUserInfo() == null
                    && uri.getRawQuery() == null
                    && uri.getRawFragment() == null
                    && (path == null || path.isEmpty() || path.equals("/"));
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }
}
