package io.approvalguard.push;

import io.approvalguard.challenge.login.LoginApproval;
import io.approvalguard.support.config.ConfigValues;
import io.approvalguard.support.config.Option;
import io.approvalguard.support.config.OptionGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.mappers.AbstractOIDCProtocolMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAccessTokenMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAttributeMapperHelper;
import org.keycloak.protocol.oidc.mappers.OIDCIDTokenMapper;
import org.keycloak.protocol.oidc.mappers.UserInfoTokenMapper;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.representations.IDToken;

/**
 * Adds a claim describing the push approval behind this client session: approval id, hash of the
 * approved context, verification used, the approving device's key thumbprint, time, and the
 * approved {@code authorization_details}. A relying party can check that what it asked for is what
 * the user approved (docs/relying-party.md). No claim when no push approval ran.
 */
public final class ApprovalClaimMapper extends AbstractOIDCProtocolMapper
        implements OIDCAccessTokenMapper, OIDCIDTokenMapper, UserInfoTokenMapper {

    public static final String PROVIDER_ID = "approval-guard-approval-claim";
    public static final String DEFAULT_CLAIM = "approval";

    /**
     * Mapper option: also carry the approved context itself, so a relying party can recompute its
     * hash.
     */
    static final Option<Boolean> INCLUDE_CONTEXT =
            Option.bool(
                            "include.context",
                            false,
                            "Adds member 'context': the exact RFC 8785 canonical JSON text the device hashed and signed "
                                    + "(base64url SHA-256 of its UTF-8 bytes is 'context_hash'). It holds the sign-in's IP address, "
                                    + "location and browser: turn it on only for relying parties that verify it.")
                    .label("Include the approved context");

    /** This mapper's own options; Keycloak's (claim name, which tokens) come with it. */
    public static final OptionGroup OPTIONS =
            OptionGroup.adminConfig(PROVIDER_ID, List.of(INCLUDE_CONTEXT));

    private static final List<ProviderConfigProperty> PROPERTIES = new ArrayList<>();

    static {
        OIDCAttributeMapperHelper.addTokenClaimNameConfig(PROPERTIES);
        OIDCAttributeMapperHelper.addIncludeInTokensConfig(PROPERTIES, ApprovalClaimMapper.class);
        PROPERTIES.addAll(OPTIONS.configProperties());
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Approval Guard approval";
    }

    @Override
    public String getDisplayCategory() {
        return TOKEN_MAPPER_CATEGORY;
    }

    @Override
    public String getHelpText() {
        return "Adds a claim (default name '"
                + DEFAULT_CLAIM
                + "') with the push approval behind this login: approval id, "
                + "context hash, verification, device key thumbprint, time, the approved authorization_details and, when "
                + "chosen, the approved context itself.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return PROPERTIES;
    }

    @Override
    protected void setClaim(
            IDToken token,
            ProtocolMapperModel mappingModel,
            UserSessionModel userSession,
            KeycloakSession session,
            ClientSessionContext clientSessionCtx) {
        Map<String, Object> record = LoginApproval.record(clientSessionCtx.getClientSession());
        if (record == null) {
            return;
        }
        if (!ConfigValues.get(mappingModel.getConfig(), INCLUDE_CONTEXT)) {
            record.remove(LoginApproval.CONTEXT);
        }
        String claim = mappingModel.getConfig().get(OIDCAttributeMapperHelper.TOKEN_CLAIM_NAME);
        token.getOtherClaims()
                .put(claim == null || claim.isBlank() ? DEFAULT_CLAIM : claim, record);
    }
}
