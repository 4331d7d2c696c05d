package io.approvalguard.challenge;

import io.approvalguard.challenge.location.LocationProvider;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.keycloak.common.util.Time;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * The facts an approver sees before answering. The device hashes exactly what it displays, so every
 * member here is part of what is approved: an approval for one transaction can never complete
 * another. Browser sign-ins and CIBA requests are built here alike, with one set of cleaning rules.
 */
public final class ApprovalContext {

    public static final String REASON = "reason";
    public static final String REALM = "realm";
    public static final String USERNAME = "username";
    public static final String CLIENT_ID = "client_id";
    public static final String CLIENT_NAME = "client_name";
    public static final String SCOPE = "scope";
    public static final String AUTHORIZATION_DETAILS = "authorization_details";
    public static final String BINDING_MESSAGE = "binding_message";
    public static final String REQUEST_INTEGRITY = "request_integrity";
    public static final String IP_ADDRESS = "ip_address";
    public static final String COUNTRY = "country";
    public static final String NETWORK = "network";
    public static final String USER_AGENT = "user_agent";
    public static final String BROWSER = "browser";
    public static final String OS = "os";
    public static final String REQUESTED_AT = "requested_at";
    public static final String CHANGE_REQUEST = "change_request";
    public static final String REQUEST_HASH = "request_hash";
    public static final String REVIEW = "review";

    /** The request came over CIBA's authenticated back channel, not through a browser. */
    public static final String INTEGRITY_BACKCHANNEL = "backchannel";

    /** The request came through the browser's address bar: anyone could have written it. */
    public static final String INTEGRITY_UNSIGNED = "unsigned";

    /** Where Keycloak keeps request parameters it does not know itself. */
    private static final String EXTRA_PARAMETER = "client_request_param_";

    private static final int MAX_VALUE_LENGTH = 512;
    private static final int MAX_BINDING_MESSAGE = 128;

    /** Two or more digits in a message anyone could have written could pose as the code to type. */
    private static final Pattern DIGIT_RUN = Pattern.compile("\\p{Nd}{2,}");

    private static final String MASKED_DIGITS = "\u2026";

    private ApprovalContext() {}

    /**
     * The context of the browser request behind this auth session.
     *
     * @throws AuthorizationDetails.Invalid when the client's request cannot be shown faithfully
     */
    public static Map<String, Object> forRequest(
            KeycloakSession session,
            AuthenticationSessionModel authSession,
            UserModel user,
            Purpose purpose)
            throws AuthorizationDetails.Invalid {
        ClientModel client = authSession.getClient();
        String integrity = requestIntegrity(client);
        Map<String, Object> context =
                start(
                        session,
                        purpose,
                        authSession.getRealm(),
                        user,
                        client,
                        authSession.getClientNote(SCOPE),
                        AuthorizationDetails.parse(
                                authSession.getClientNote(AUTHORIZATION_DETAILS)),
                        bindingMessage(
                                authSession.getClientNote(EXTRA_PARAMETER + BINDING_MESSAGE),
                                integrity),
                        integrity);
        String ipAddress = session.getContext().getConnection().getRemoteAddr();
        context.put(IP_ADDRESS, clean(ipAddress, MAX_VALUE_LENGTH));
        session.getProvider(LocationProvider.class).locate(ipAddress).addTo(context);
        String userAgent = session.getContext().getRequestHeaders().getHeaderString("User-Agent");
        userAgent = clean(userAgent == null ? "unknown" : userAgent, MAX_VALUE_LENGTH);
        context.put(USER_AGENT, userAgent);
        context.put(BROWSER, UserAgentSummary.browser(userAgent));
        context.put(OS, UserAgentSummary.operatingSystem(userAgent));
        context.put(REQUESTED_AT, Time.currentTime());
        return context;
    }

    /**
     * The context of a CIBA request: what the client asked for over the back channel, with no
     * browser behind it.
     *
     * @throws AuthorizationDetails.Invalid when the client's request cannot be shown faithfully
     */
    public static Map<String, Object> forBackchannelRequest(
            KeycloakSession session,
            RealmModel realm,
            UserModel user,
            ClientModel client,
            String scope,
            String authorizationDetails,
            String bindingMessage)
            throws AuthorizationDetails.Invalid {
        Map<String, Object> context =
                start(
                        session,
                        Purpose.CIBA,
                        realm,
                        user,
                        client,
                        scope,
                        AuthorizationDetails.parse(authorizationDetails),
                        bindingMessage(bindingMessage, INTEGRITY_BACKCHANNEL),
                        INTEGRITY_BACKCHANNEL);
        // Nothing came through a browser; the integrity is always worth showing.
        context.put(REQUEST_INTEGRITY, INTEGRITY_BACKCHANNEL);
        context.put(REQUESTED_AT, Time.currentTime());
        return context;
    }

    /**
     * The context of one approver's approval of a change request: the request exactly as filed
     * (already canonical and bounded by its filer) and the hash the approver's device signs with
     * it, so an approval over any other version of the request never counts. A review of a
     * break-glass change says so, and is signed as such.
     */
    public static Map<String, Object> forChangeApproval(
            RealmModel realm,
            UserModel approver,
            Map<String, Object> changeRequest,
            String requestHash,
            boolean review) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put(REASON, Purpose.CHANGE_APPROVAL.wireName());
        context.put(REALM, realm.getName());
        context.put(USERNAME, clean(approver.getUsername(), MAX_VALUE_LENGTH));
        context.put(CHANGE_REQUEST, changeRequest);
        context.put(REQUEST_HASH, requestHash);
        if (review) {
            // The later review of a break-glass change already made: approve = "I reviewed it and
            // it was right", deny = "I object".
            context.put(REVIEW, true);
        }
        context.put(REQUESTED_AT, Time.currentTime());
        return context;
    }

    private static Map<String, Object> start(
            KeycloakSession session,
            Purpose purpose,
            RealmModel realm,
            UserModel user,
            ClientModel client,
            String scope,
            List<Object> details,
            String bindingMessage,
            String integrity) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put(REASON, purpose.wireName());
        context.put(REALM, realm.getName());
        context.put(USERNAME, clean(user.getUsername(), MAX_VALUE_LENGTH));
        context.put(CLIENT_ID, clean(client.getClientId(), MAX_VALUE_LENGTH));
        context.put(
                CLIENT_NAME, clean(ClientDisplayName.of(session, realm, client), MAX_VALUE_LENGTH));
        if (scope != null && !scope.isBlank()) {
            context.put(SCOPE, clean(scope, MAX_VALUE_LENGTH));
        }
        if (details != null) {
            context.put(AUTHORIZATION_DETAILS, details);
        }
        if (bindingMessage != null) {
            context.put(BINDING_MESSAGE, bindingMessage);
        }
        if (details != null || bindingMessage != null) {
            context.put(REQUEST_INTEGRITY, integrity);
        }
        return context;
    }

    /**
     * The binding message as shown, or null for none. It must fit a small screen and hold no
     * control or format characters; from an unsigned request its digit runs are masked, so a
     * message someone slipped into the address bar cannot pose as the code to type.
     */
    static String bindingMessage(String message, String integrity)
            throws AuthorizationDetails.Invalid {
        if (message == null || message.isBlank()) {
            return null;
        }
        if (message.length() > MAX_BINDING_MESSAGE) {
            throw new AuthorizationDetails.Invalid(
                    "binding_message is longer than " + MAX_BINDING_MESSAGE + " characters");
        }
        if (message.codePoints()
                .anyMatch(
                        cp ->
                                Character.isISOControl(cp)
                                        || Character.getType(cp) == Character.FORMAT)) {
            throw new AuthorizationDetails.Invalid(
                    "binding_message holds control or format characters");
        }
        return INTEGRITY_UNSIGNED.equals(integrity)
                ? DIGIT_RUN.matcher(message).replaceAll(MASKED_DIGITS)
                : message;
    }

    /**
     * How the transaction details reached Keycloak. A client whose policy requires pushed or signed
     * requests cannot have sent them any other way; for any other client they may come from the
     * browser's address bar and are shown as unsigned.
     */
    static String requestIntegrity(ClientModel client) {
        String requestObject = client.getAttribute("request.object.required");
        if (requestObject != null
                && !requestObject.isBlank()
                && !"not required".equals(requestObject)) {
            return "signed";
        }
        if (Boolean.parseBoolean(client.getAttribute("require.pushed.authorization.requests"))) {
            return "pushed";
        }
        return INTEGRITY_UNSIGNED;
    }

    /** Bounded length and no control characters: the value is shown on a small screen. */
    static String clean(String value, int maxLength) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), maxLength));
        value.codePoints()
                .filter(cp -> !Character.isISOControl(cp))
                .limit(maxLength)
                .forEach(out::appendCodePoint);
        return out.toString();
    }
}
