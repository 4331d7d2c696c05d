package io.approvalguard.governance.desk;

import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Encode;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.provider.ProviderEvent;

/**
 * The desk's own OIDC client in every realm, {@value #CLIENT_ID}: public, standard flow (code with
 * PKCE S256) only, whose one redirect URI is the desk page itself. Like Keycloak's own {@code
 * account-console}, its root URL is {@code ${authBaseUrl}} and its redirect URI is relative to it,
 * so the URI follows the realm's frontend URL. Created where missing (at start for every realm, and
 * with each new realm); an administrator's later changes to it are kept.
 */
public final class DeskClient {

    public static final String CLIENT_ID = "approval-guard-desk";

    private static final Logger LOG = Logger.getLogger(DeskClient.class);

    private DeskClient() {}

    /** The desk page's path, relative to the server's base URL (the client's redirect URI). */
    public static String pagePath(RealmModel realm) {
        return "/realms/" + Encode.encodePathAsIs(realm.getName()) + "/approval-guard/desk/";
    }

    /**
     * The listener to register in a factory's {@code postInit}: every realm at start, each new
     * realm.
     */
    public static void onEvent(KeycloakSessionFactory factory, ProviderEvent event) {
        if (event instanceof RealmModel.RealmPostCreateEvent created) {
            ensure(created.getCreatedRealm());
        } else if (event instanceof PostMigrationEvent) {
            List<String> realmIds =
                    KeycloakModelUtils.runJobInTransactionWithResult(
                            factory,
                            session ->
                                    session.realms()
                                            .getRealmsStream()
                                            .map(RealmModel::getId)
                                            .toList());
            for (String realmId : realmIds) {
                try {
                    KeycloakModelUtils.runJobInTransaction(
                            factory,
                            session -> {
                                RealmModel realm = session.realms().getRealm(realmId);
                                if (realm != null) {
                                    ensure(realm);
                                }
                            });
                } catch (RuntimeException e) {
                    // Another node of a cluster starting at the same moment may have created it.
                    LOG.warnf(
                            "the %s client of realm %s could not be created: %s",
                            CLIENT_ID, realmId, e.toString());
                }
            }
        }
    }

    /** Creates the client where it is missing; an existing one is left as it is. */
    public static void ensure(RealmModel realm) {
        if (realm.getClientByClientId(CLIENT_ID) != null) {
            return;
        }
        String page = pagePath(realm);
        ClientModel client = KeycloakModelUtils.createPublicClient(realm, CLIENT_ID);
        client.setName("Approval Guard desk");
        client.setDescription(
                "The governance page of Approval Guard: file, follow and approve change requests");
        client.setEnabled(true);
        client.setAlwaysDisplayInConsole(false);
        client.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
        client.setPublicClient(true);
        client.setStandardFlowEnabled(true);
        client.setImplicitFlowEnabled(false);
        client.setDirectAccessGrantsEnabled(false);
        client.setServiceAccountsEnabled(false);
        client.setConsentRequired(false);
        // Its tokens carry no role: the governance API reads the user's roles itself, and a desk
        // token is no key to the admin API even for a user who holds realm-management roles.
        client.setFullScopeAllowed(false);
        client.setRootUrl("${authBaseUrl}");
        client.setBaseUrl(page);
        client.setRedirectUris(Set.of(page));
        client.setWebOrigins(Set.of("+"));
        client.setAttribute("pkce.code.challenge.method", "S256");
        client.setAttribute("post.logout.redirect.uris", "+");
        client.setAttribute("oauth2.device.authorization.grant.enabled", "false");
        client.setAttribute("oidc.ciba.grant.enabled", "false");
        client.setAttribute("standard.token.exchange.enabled", "false");
    }
}
