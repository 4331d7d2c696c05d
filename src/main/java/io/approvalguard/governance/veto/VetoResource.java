package io.approvalguard.governance.veto;

import io.approvalguard.governance.VetoToken;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.RealmsResource;

/**
 * {@code POST /realms/{realm}/approval-guard-veto/report} with form field {@code key}: the confirm
 * button of the "this wasn't me" page. The token is verified again (signature, realm, expiry, type)
 * and the report made once ({@link VetoReport}); the answer is a page for a person.
 */
public final class VetoResource {

    private static final Logger LOG = Logger.getLogger(VetoResource.class);

    static final String REPORT = "report";

    private final KeycloakSession session;

    VetoResource(KeycloakSession session) {
        this.session = session;
    }

    /** Where the confirm form posts. */
    static URI reportUri(UriInfo uri, RealmModel realm) {
        return RealmsResource.realmBaseUrl(uri)
                .path(VetoResourceProviderFactory.PROVIDER_ID)
                .path(REPORT)
                .build(realm.getName());
    }

    @POST
    @Path(REPORT)
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response report(@FormParam("key") String key) {
        RealmModel realm = session.getContext().getRealm();
        VetoToken token;
        try {
            token = VetoTokens.verify(session, realm, key);
        } catch (VetoTokens.Refused refused) {
            LOG.debugf(
                    "Approval Guard: a veto report in realm %s refused (%s): %s",
                    realm.getName(), refused.refusal(), refused.getMessage());
            return VetoPages.unusable(session);
        }
        return switch (new VetoReport(session).report(realm, token)) {
            case REPORTED -> VetoPages.reported(session, token);
            case ALREADY_REPORTED -> VetoPages.alreadyReported(session, token);
            case USER_GONE -> VetoPages.unusable(session);
        };
    }
}
