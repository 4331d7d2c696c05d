package io.approvalguard.governance.veto;

import io.approvalguard.governance.VetoToken;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;

/**
 * The pages of a "this wasn't me" link, one login-theme template ({@code approval-guard-veto.ftl})
 * in four states: the question with its confirm button, reported, already reported, and a link that
 * cannot be used. Every value is rendered as text; the realm's browser security headers apply, and
 * the pages are neither cached nor sent on as a referrer (their URL holds the token).
 */
final class VetoPages {

    static final String TEMPLATE = "approval-guard-veto.ftl";

    private VetoPages() {}

    /** The question; only the form's POST to {@code action} acts. */
    static Response confirm(
            KeycloakSession session, VetoToken token, String serialized, URI action) {
        return render(
                forms(session, "confirm", token)
                        .setAttribute("agVetoKey", serialized)
                        .setAttribute("agVetoAction", action.toString()),
                Response.Status.OK);
    }

    static Response reported(KeycloakSession session, VetoToken token) {
        return render(forms(session, "reported", token), Response.Status.OK);
    }

    static Response alreadyReported(KeycloakSession session, VetoToken token) {
        return render(forms(session, "already", token), Response.Status.OK);
    }

    /** A token that is malformed, not this realm's, expired, or of a user gone since. */
    static Response unusable(KeycloakSession session) {
        return render(forms(session, "invalid", null), Response.Status.BAD_REQUEST);
    }

    private static LoginFormsProvider forms(
            KeycloakSession session, String state, VetoToken token) {
        LoginFormsProvider forms =
                session.getProvider(LoginFormsProvider.class).setAttribute("agVetoState", state);
        if (token != null) {
            forms.setAttribute("agVetoRequestId", token.getRequestId())
                    .setAttribute("agVetoKind", token.getKind() == null ? "" : token.getKind());
        }
        return forms;
    }

    private static Response render(LoginFormsProvider forms, Response.Status status) {
        Response page = forms.setStatus(status).createForm(TEMPLATE);
        return Response.fromResponse(page)
                .header("Cache-Control", "no-store")
                .header("Referrer-Policy", "no-referrer")
                .build();
    }
}
