package io.approvalguard.web;

import io.approvalguard.governance.desk.DeskClient;
import io.approvalguard.support.config.OptionGroup;
import io.approvalguard.waiting.WaitSettings;
import io.approvalguard.waiting.WaitingRequests;
import java.util.List;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/**
 * Mounts {@code /realms/{realm}/approval-guard}, and holds the node's waiting requests and their
 * limits ({@code --spi-realm-restapi-extension--approval-guard--<option>}).
 */
public final class ApprovalGuardResourceProviderFactory implements RealmResourceProviderFactory {

    public static final String PROVIDER_ID = "approval-guard";
    public static final OptionGroup OPTIONS =
            OptionGroup.server("spi-realm-restapi-extension--" + PROVIDER_ID, WaitSettings.OPTIONS);

    private WaitingRequests waiting;

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new RealmResourceProvider() {
            @Override
            public Object getResource() {
                return new ApprovalGuardResource(session, waiting);
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public void init(Config.Scope config) {
        waiting = new WaitingRequests(WaitSettings.from(OPTIONS.read(config)));
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        waiting.start(factory);
        // The governance desk's page is served here; its OIDC client is made in every realm.
        factory.register(event -> DeskClient.onEvent(factory, event));
    }

    @Override
    public void close() {
        waiting.stop();
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return OPTIONS.metadata();
    }
}
