package io.approvalguard.governance.veto;

import io.approvalguard.governance.VetoToken;
import org.keycloak.TokenVerifier;
import org.keycloak.authentication.actiontoken.DefaultActionToken;
import org.keycloak.common.VerificationException;
import org.keycloak.crypto.SignatureProvider;
import org.keycloak.crypto.SignatureVerifierContext;
import org.keycloak.exceptions.TokenNotActiveException;
import org.keycloak.jose.jws.JWSHeader;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.Urls;

/**
 * Reads a "this wasn't me" link's token as Keycloak's action-token endpoint does: signed by one of
 * the realm's keys, issued by this realm, unexpired, with its nonce, and of our type with a request
 * id and a subject. Asked by the confirm POST, which Keycloak's endpoint does not see.
 */
public final class VetoTokens {

    /** The longest token accepted; ours are well under 1 kB. */
    static final int MAX_LENGTH = 4096;

    /** Why a token was not accepted. */
    public enum Refusal {
        /** Malformed, not ours, another realm's, or not signed by this realm's key. */
        INVALID,
        /** Genuine, but past its time. */
        EXPIRED
    }

    /** A token not accepted. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private final Refusal refusal;

        Refused(Refusal refusal, String message) {
            super(message);
            this.refusal = refusal;
        }

        public Refusal refusal() {
            return refusal;
        }
    }

    /** Finds the key that should have signed a token, from its header; null when there is none. */
    @FunctionalInterface
    interface Keys {
        SignatureVerifierContext verifierFor(JWSHeader header) throws VerificationException;
    }

    private VetoTokens() {}

    /** Verifies {@code serialized} against the realm's keys and this request's issuer URL. */
    public static VetoToken verify(KeycloakSession session, RealmModel realm, String serialized)
            throws Refused {
        String issuer =
                Urls.realmIssuer(session.getContext().getUri().getBaseUri(), realm.getName());
        return verify(
                serialized,
                issuer,
                header -> {
                    SignatureProvider provider =
                            session.getProvider(
                                    SignatureProvider.class, header.getAlgorithm().name());
                    return provider == null ? null : provider.verifier(header.getKeyId());
                });
    }

    static VetoToken verify(String serialized, String issuer, Keys keys) throws Refused {
        if (serialized == null || serialized.isBlank() || serialized.length() > MAX_LENGTH) {
            throw new Refused(Refusal.INVALID, "no token, or too long");
        }
        try {
            TokenVerifier<VetoToken> verifier =
                    TokenVerifier.create(serialized, VetoToken.class)
                            .withChecks(
                                    TokenVerifier.IS_ACTIVE,
                                    new TokenVerifier.RealmUrlCheck(issuer),
                                    DefaultActionToken.ACTION_TOKEN_BASIC_CHECKS,
                                    VetoTokens::isVeto);
            JWSHeader header = verifier.getHeader();
            if (header.getAlgorithm() == null) {
                throw new Refused(Refusal.INVALID, "no signature algorithm");
            }
            SignatureVerifierContext key = keys.verifierFor(header);
            if (key == null) {
                throw new Refused(Refusal.INVALID, "no key of this realm for the token");
            }
            // the signature first, then the checks: an expired token is told apart only when
            // genuine
            verifier.verifierContext(key).verify();
            return verifier.getToken();
        } catch (TokenNotActiveException e) {
            throw new Refused(Refusal.EXPIRED, "the token has expired");
        } catch (VerificationException | RuntimeException e) {
            throw new Refused(Refusal.INVALID, "the token is not valid: " + e.getMessage());
        }
    }

    /** Ours: the type, a request, a subject and an id (what the report is spent by). */
    static boolean isVeto(VetoToken token) throws VerificationException {
        if (!VetoToken.TOKEN_TYPE.equals(token.getType())
                || token.getRequestId() == null
                || token.getSubject() == null
                || token.getId() == null) {
            throw new VerificationException("not a veto token");
        }
        return true;
    }
}
