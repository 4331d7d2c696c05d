package io.approvalguard.notify.fcm;

import io.approvalguard.device.PushAddress;
import io.approvalguard.notify.Notifier;
import io.approvalguard.notify.NotifierSpi;
import io.approvalguard.notify.PushOutcome;
import io.approvalguard.notify.PushQueueSettings;
import io.approvalguard.notify.QueuedNotifierFactory;
import io.approvalguard.support.config.OptionGroup;
import java.time.Clock;
import java.util.Map;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.connections.httpclient.HttpClientProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * Firebase Cloud Messaging HTTP v1 (Android, and iOS through APNs): the service account's access
 * tokens from Google's token endpoint, messages through Keycloak's own HTTP client (its proxy and
 * trust settings apply). Available once a service account is configured, from a file or each
 * realm's vault.
 */
public final class FcmNotifierFactory extends QueuedNotifierFactory {

    public static final String PROVIDER_ID = "fcm";
    public static final String OPTION_PREFIX = "spi-" + NotifierSpi.NAME + "--" + PROVIDER_ID;
    public static final OptionGroup OPTIONS =
            OptionGroup.server(
                    OPTION_PREFIX,
                    OptionGroup.concat(FcmSettings.OPTIONS, PushQueueSettings.OPTIONS));

    /** FCM registration tokens are a few hundred characters; 4096 leaves room for change. */
    private static final Pattern REGISTRATION_TOKEN = Pattern.compile("[\\x21-\\x7e]{1,4096}");

    private static final Logger LOG = Logger.getLogger(FcmNotifierFactory.class);

    private volatile FcmSettings settings;
    private volatile FcmCredentials credentials;
    private volatile FcmSender sender;

    @Override
    public void init(Config.Scope config) {
        FcmSettings read = FcmSettings.read(OPTIONS.read(config));
        settings = read;
        Clock clock = Clock.systemUTC();
        if (read.fileAccount() != null) {
            ServiceAccount account = read.fileAccount();
            credentials =
                    FcmCredentials.fixed(
                            new AccessTokens(
                                    account,
                                    read.tokenUri() != null ? read.tokenUri() : account.tokenUri(),
                                    clock));
            LOG.infof(
                    "Approval Guard: fcm notifier sends for project %s as %s",
                    account.projectId(), account.clientEmail());
        } else if (read.vaultKey() != null) {
            credentials = new VaultAccounts(read.vaultKey(), read.tokenUri(), clock);
            LOG.infof(
                    "Approval Guard: fcm notifier reads each realm's service account from its vault secret %s",
                    read.vaultKey());
        }
    }

    @Override
    protected PushQueueSettings queueSettings() {
        return settings.queue();
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        super.postInit(factory);
        PushQueueSettings queue = settings.queue();
        sender =
                new FcmSender(
                        settings.endpoint(),
                        queue().timers(),
                        queue.connectTimeoutMs(),
                        queue.timeoutMs(),
                        Clock.systemUTC());
    }

    @Override
    public Notifier create(KeycloakSession session) {
        String unavailable = unavailableReason();
        if (unavailable != null) {
            PushOutcome failed = PushOutcome.failed(unavailable);
            return (message, address) -> failed;
        }
        return new FcmNotifier(
                session,
                session.getProvider(HttpClientProvider.class).getHttpClient(),
                sender,
                credentials);
    }

    @Override
    public String unavailableReason() {
        return settings == null ? "the fcm notifier has not started" : settings.unavailableReason();
    }

    /**
     * {@code {"token": "<FCM registration token>"}}; other members (the request's {@code provider})
     * are ignored, as every provider does.
     */
    @Override
    public PushAddress parseAddress(Map<String, Object> json, long now) {
        Object token = json.get("token");
        if (token == null) {
            throw new IllegalArgumentException("token is missing: the FCM registration token");
        }
        if (!(token instanceof String text) || !REGISTRATION_TOKEN.matcher(text).matches()) {
            throw new IllegalArgumentException(
                    "token is not an FCM registration token: 1 to 4096 visible ASCII characters");
        }
        return PushAddress.token(PROVIDER_ID, text, now);
    }

    @Override
    protected OptionGroup options() {
        return OPTIONS;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
