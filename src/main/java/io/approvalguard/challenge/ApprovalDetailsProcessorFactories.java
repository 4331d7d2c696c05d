package io.approvalguard.challenge;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.rar.AuthorizationDetailsProcessor;
import org.keycloak.protocol.oidc.rar.AuthorizationDetailsProcessorFactory;
import org.keycloak.representations.AuthorizationDetailsJSONRepresentation;
import org.keycloak.util.AuthorizationDetailsParser;

/**
 * One factory per accepted {@code authorization_details} type, because Keycloak maps each type to
 * exactly one processor: the two the web approver lays out specially, and a generic one for any
 * other transaction a client wants approved.
 */
public final class ApprovalDetailsProcessorFactories {

    public static final String PAYMENT_INITIATION = "payment_initiation";
    public static final String ACCOUNT_INFORMATION = "account_information";
    public static final String GENERIC_TRANSACTION = "approval_guard_transaction";

    private ApprovalDetailsProcessorFactories() {}

    abstract static class ForType implements AuthorizationDetailsProcessorFactory {

        private final String type;

        ForType(String type) {
            this.type = type;
        }

        @Override
        public AuthorizationDetailsProcessor<?> create(KeycloakSession session) {
            return new ApprovalDetailsProcessor(session, type);
        }

        @Override
        public void init(Config.Scope config) {
            // The token endpoint turns each detail into the processor's response type through this
            // registry; ours is the plain representation, so the detail is its own response.
            AuthorizationDetailsParser.registerParser(
                    type,
                    new AuthorizationDetailsParser() {
                        @Override
                        public <T extends AuthorizationDetailsJSONRepresentation> T asSubtype(
                                AuthorizationDetailsJSONRepresentation detail, Class<T> type) {
                            if (!type.isInstance(detail)) {
                                throw new IllegalArgumentException(
                                        "authorization_details are kept as "
                                                + AuthorizationDetailsJSONRepresentation.class
                                                        .getSimpleName());
                            }
                            return type.cast(detail);
                        }
                    });
        }

        /** Keycloak finds a detail's processor by factory id, so the id is the type itself. */
        @Override
        public String getId() {
            return type;
        }
    }

    public static final class PaymentInitiation extends ForType {
        public PaymentInitiation() {
            super(PAYMENT_INITIATION);
        }
    }

    public static final class AccountInformation extends ForType {
        public AccountInformation() {
            super(ACCOUNT_INFORMATION);
        }
    }

    public static final class GenericTransaction extends ForType {
        public GenericTransaction() {
            super(GENERIC_TRANSACTION);
        }
    }
}
