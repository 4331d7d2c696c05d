package io.approvalguard.notify.webpush;

import io.approvalguard.device.PushAddress;
import io.approvalguard.notify.Notifier;
import io.approvalguard.notify.PushOutcome;
import io.approvalguard.notify.PushQueueSettings;
import io.approvalguard.notify.QueuedNotifierFactory;
import io.approvalguard.support.config.OptionGroup;
import io.approvalguard.support.http.BoundedHttp;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.common.util.Time;
import org.keycloak.connections.httpclient.HttpClientProvider;
import org.keycloak.models.KeycloakSession;

/**
 * Web Push (RFC 8030, 8291, 8292): notifies a browser, the web approver included, through its push
 * service. Available once {@code vapid-subject} is set. The VAPID pair comes from the options or,
 * when they are not set, from the database, so every node signs with the same key.
 */
public final class WebPushNotifierFactory extends QueuedNotifierFactory {

    public static final String PROVIDER_ID = "webpush";
    public static final OptionGroup OPTIONS =
            OptionGroup.server(WebPushSettings.PREFIX, WebPushSettings.ALL);

    private static final Logger LOG = Logger.getLogger(WebPushNotifierFactory.class);

    private final WebPushEncryption encryption = new WebPushEncryption(new SecureRandom());
    private WebPushSettings settings;
    private volatile Vapid vapid;
    private volatile VapidKeys keys;

    @Override
    public void init(Config.Scope config) {
        settings = WebPushSettings.read(OPTIONS.read(config));
        if (settings.subject() != null) {
            LOG.infof(
                    "Approval Guard: Web Push notifier available, VAPID key %s",
                    settings.configuredKeys() == null
                            ? "from the database (generated once)"
                            : "from the options");
        }
    }

    @Override
    protected PushQueueSettings queueSettings() {
        return settings.queue();
    }

    @Override
    public Notifier create(KeycloakSession session) {
        String unavailable = unavailableReason();
        if (unavailable != null) {
            // no address is registered for it then; one stored earlier waits for the option
            return (message, address) -> PushOutcome.failed(unavailable);
        }
        PushQueueSettings queue = settings.queue();
        BoundedHttp http =
                new BoundedHttp(
                        session.getProvider(HttpClientProvider.class).getHttpClient(),
                        queue().timers(),
                        queue.connectTimeoutMs(),
                        queue.timeoutMs(),
                        WebPushSettings.PREFIX + "--");
        return new WebPushNotifier(
                encryption, vapid(session), settings.allowed(), http, Time::currentTime);
    }

    @Override
    public String unavailableReason() {
        if (settings != null && settings.subject() != null) {
            return null;
        }
        return "Web Push is not configured: set --"
                + WebPushSettings.PREFIX
                + "--"
                + WebPushSettings.VAPID_SUBJECT.name()
                + " (a mailto: or https: URL)";
    }

    @Override
    public PushAddress parseAddress(Map<String, Object> json, long now) {
        return Subscriptions.parse(json, settings.allowed(), now);
    }

    /** The key browsers subscribe with (their {@code applicationServerKey}). */
    @Override
    public Map<String, Object> deviceConfig(KeycloakSession session) {
        return Map.of("application_server_key", keys(session).publicKeyBase64Url());
    }

    /** Loaded on first use, in a session: at {@code postInit} the database may not be ready yet. */
    VapidKeys keys(KeycloakSession session) {
        VapidKeys loaded = keys;
        if (loaded == null) {
            synchronized (this) {
                if (keys == null) {
                    keys =
                            settings.configuredKeys() != null
                                    ? settings.configuredKeys()
                                    : VapidKeyStore.loadOrCreate(
                                            session.getKeycloakSessionFactory());
                }
                loaded = keys;
            }
        }
        return loaded;
    }

    private Vapid vapid(KeycloakSession session) {
        Vapid made = vapid;
        if (made == null) {
            VapidKeys pair = keys(session);
            synchronized (this) {
                if (vapid == null) {
                    // real time: push services check exp against their own clock
                    vapid = new Vapid(pair, settings.subject(), Clock.systemUTC());
                }
                made = vapid;
            }
        }
        return made;
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
