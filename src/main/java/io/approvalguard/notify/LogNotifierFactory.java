package io.approvalguard.notify;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/** Development notifier: writes one log line per challenge, without the code or the context. */
public final class LogNotifierFactory implements NotifierFactory {

    public static final String PROVIDER_ID = "log";

    private static final Logger LOG = Logger.getLogger(LogNotifierFactory.class);
    private static final Notifier NOTIFIER =
            n ->
                    LOG.infof(
                            "Approval Guard: challenge %s waits for user %s in realm %s on %d device(s) until %d",
                            n.challengeId(),
                            n.userId(),
                            n.realmName(),
                            n.deviceIds().size(),
                            n.expiresAt());

    @Override
    public Notifier create(KeycloakSession session) {
        return NOTIFIER;
    }

    @Override
    public void init(Config.Scope config) {}

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
