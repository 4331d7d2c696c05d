package io.approvalguard.risk;

import io.approvalguard.stream.sink.SinkProvider;
import io.approvalguard.stream.sink.SinkProviderFactory;
import io.approvalguard.stream.sink.SinkSpi;
import io.approvalguard.support.config.Option;
import io.approvalguard.support.config.OptionGroup;
import java.util.List;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.ProviderConfigProperty;

/**
 * The in-process risk scorer, fed by the event stream like any sink: it reads the outbox after the
 * change committed, never on the login's path, and loses nothing on a crash. It writes only to
 * Keycloak's database, so the relay scores each record and marks it delivered in one transaction. A
 * device's decision is the exception: it is scored in the deciding transaction itself. Off with
 * {@code --spi-approval-guard-sink--risk--enabled=false} when an external scorer decides alone.
 */
public final class RiskSinkFactory implements SinkProviderFactory {

    public static final String PROVIDER_ID = "risk";
    private static final Option<Boolean> ENABLED =
            Option.bool(
                    "enabled",
                    true,
                    "Score the event stream in-process and apply the realm's risk responses.");
    public static final OptionGroup OPTIONS =
            OptionGroup.server("spi-" + SinkSpi.NAME + "--" + PROVIDER_ID, List.of(ENABLED));

    private boolean enabled;

    @Override
    public SinkProvider create(KeycloakSession session) {
        return new RiskSink(session);
    }

    @Override
    public boolean isActive() {
        return enabled;
    }

    @Override
    public boolean isTransactional() {
        return true;
    }

    @Override
    public int batchSize() {
        return 100;
    }

    @Override
    public void init(Config.Scope config) {
        enabled = OPTIONS.read(config).get(ENABLED);
    }

    /**
     * A device's decision is scored as part of the decision, so its record is not written for this
     * sink.
     */
    @Override
    public boolean takes(String eventType) {
        return !RiskInputs.DECIDED_BY_DEVICE.contains(eventType);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        // A deleted user's or realm's score goes with it; the audit trail (AG_RISK_ACTION) stays.
        factory.register(
                event -> {
                    if (event instanceof UserModel.UserRemovedEvent removed) {
                        new RiskStates(removed.getKeycloakSession())
                                .remove(
                                        removed.getRealm().getId(),
                                        RiskStates.userSubject(removed.getUser().getId()));
                    } else if (event instanceof RealmModel.RealmRemovedEvent removed) {
                        new RiskStates(removed.getKeycloakSession())
                                .removeRealm(removed.getRealm().getId());
                    }
                });
    }

    @Override
    public void close() {}

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return OPTIONS.metadata();
    }
}
