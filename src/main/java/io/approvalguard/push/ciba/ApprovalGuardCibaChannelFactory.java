package io.approvalguard.push.ciba;

import io.approvalguard.challenge.ChallengeDecided;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.protocol.oidc.grants.ciba.channel.AuthenticationChannelProvider;
import org.keycloak.protocol.oidc.grants.ciba.channel.AuthenticationChannelProviderFactory;

/** Select with {@code --spi-ciba-auth-channel--provider=approval-guard}. */
public final class ApprovalGuardCibaChannelFactory implements AuthenticationChannelProviderFactory {

    public static final String PROVIDER_ID = "approval-guard";

    @Override
    public AuthenticationChannelProvider create(KeycloakSession session) {
        return new ApprovalGuardCibaChannel(session);
    }

    @Override
    public void init(Config.Scope config) {}

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(
                event -> {
                    if (event instanceof ChallengeDecided decided) {
                        CibaChallenges.onDecided(decided);
                    }
                });
    }

    @Override
    public void close() {}

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
