package io.approvalguard.governance;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.keycloak.authentication.actiontoken.DefaultActionToken;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakUriInfo;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.LoginActionsService;

/**
 * The "this wasn't me" link of the subject's notice: a Keycloak action token, signed with the
 * realm's key, naming the subject ({@code sub}), the change request ({@code rid}), its kind ({@code
 * knd}, for the page) and which address it was mailed to ({@code adr}: {@link #CURRENT} or {@link
 * #PREVIOUS}, the old one of an email change). It is served by Keycloak's action-token endpoint
 * ({@code /realms/{realm}/login-actions/action-token?key=...}) through the handler in {@code
 * governance.veto}, which asks before it acts; the report spends it once.
 *
 * <p>It is valid for {@link #MIN_LIFETIME_SECONDS} (24 hours), or until the end of the subject's
 * cooling-off when that is later.
 */
public final class VetoToken extends DefaultActionToken {

    private static final Logger LOG = Logger.getLogger(VetoToken.class);

    /** The token type ({@code typ}), also the id of its handler. */
    public static final String TOKEN_TYPE = "approval-guard-veto";

    /** The shortest validity of a link: a day, so a notice read the next morning still works. */
    public static final long MIN_LIFETIME_SECONDS = 86_400;

    /** Mailed to the subject's address as it is now. */
    public static final String CURRENT = "current";

    /** Mailed to the subject's previous address (an email change). */
    public static final String PREVIOUS = "previous";

    @JsonProperty("rid")
    private String requestId;

    @JsonProperty("knd")
    private String kind;

    @JsonProperty("adr")
    private String address;

    public VetoToken(
            String subjectId, String requestId, String kind, String address, long expiresAt) {
        super(subjectId, TOKEN_TYPE, Math.toIntExact(expiresAt), null);
        this.requestId = requestId;
        this.kind = kind;
        this.address = address;
    }

    /** For Jackson. */
    private VetoToken() {}

    public String getRequestId() {
        return requestId;
    }

    public String getKind() {
        return kind;
    }

    public String getAddress() {
        return address;
    }

    /**
     * When a link made at {@code nowSeconds} stops working: a day later, or at the end of the
     * cooling-off when that is later (seconds).
     */
    public static long expiresAt(long nowSeconds, long coolingOffEndsAt) {
        return Math.max(nowSeconds + MIN_LIFETIME_SECONDS, coolingOffEndsAt);
    }

    /**
     * The link, signed now with the realm's key, on the base URI of the current request; empty when
     * there is no request (the link names the server as the client reached it) or it cannot be
     * signed.
     */
    static Optional<String> link(KeycloakSession session, RealmModel realm, VetoToken token) {
        KeycloakUriInfo uri = session.getContext().getUri();
        if (uri == null) {
            return Optional.empty();
        }
        String serialized;
        try {
            serialized = token.serialize(session, realm, uri);
        } catch (RuntimeException e) {
            // the change stands and the notice still goes out, without the link
            LOG.warnf(
                    "Approval Guard: no \"this wasn't me\" link for change request %s: %s",
                    token.getRequestId(), e.toString());
            return Optional.empty();
        }
        return Optional.of(
                LoginActionsService.actionTokenProcessor(uri)
                        .queryParam(Constants.KEY, serialized)
                        .build(realm.getName())
                        .toString());
    }
}
