package io.approvalguard.risk;

import io.approvalguard.support.config.ConfigValues;
import io.approvalguard.support.config.Option;
import io.approvalguard.support.config.OptionGroup;
import java.util.List;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.conditional.ConditionalAuthenticator;
import org.keycloak.authentication.authenticators.conditional.ConditionalAuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.ProviderConfigProperty;

/**
 * "Condition - Approval Guard risk level": true when the user's current risk level is at or above
 * the configured one, so a conditional subflow can demand another factor (WebAuthn, OTP) from a
 * risky user, with Keycloak's own flow editor.
 */
public final class RiskConditionFactory implements ConditionalAuthenticatorFactory {

    public static final String PROVIDER_ID = "approval-guard-risk-condition";
    static final Option<RiskLevel> LEVEL =
            Option.choice(
                            "level",
                            RiskLevel.HIGH,
                            List.of(RiskLevel.values()),
                            RiskLevel::wireName,
                            "The subflow runs when the user's level is this one or higher.")
                    .label("Risk level at or above");
    static final Option<Boolean> NEGATE =
            Option.bool(
                            "negate",
                            false,
                            "Match when the level is below the configured one instead.")
                    .label("Negate output");
    public static final OptionGroup OPTIONS =
            OptionGroup.adminConfig(PROVIDER_ID, List.of(LEVEL, NEGATE));

    private static final Logger LOG = Logger.getLogger(RiskConditionFactory.class);
    private static final AuthenticationExecutionModel.Requirement[] REQUIREMENT_CHOICES = {
        AuthenticationExecutionModel.Requirement.REQUIRED,
        AuthenticationExecutionModel.Requirement.DISABLED
    };

    static final ConditionalAuthenticator CONDITION =
            new ConditionalAuthenticator() {
                @Override
                public boolean matchCondition(AuthenticationFlowContext context) {
                    UserModel user = context.getUser();
                    if (user == null) {
                        return false;
                    }
                    AuthenticatorConfigModel config = context.getAuthenticatorConfig();
                    var values = config == null ? null : config.getConfig();
                    RiskLevel threshold = ConfigValues.get(values, LEVEL);
                    RiskStanding standing =
                            RiskStanding.of(context.getSession(), context.getRealm(), user);
                    boolean atOrAbove = standing.level().isAtLeast(threshold);
                    LOG.debugf(
                            "risk condition for user %s: level %s, threshold %s",
                            user.getId(), standing.level(), threshold);
                    return atOrAbove != ConfigValues.get(values, NEGATE);
                }

                @Override
                public void action(AuthenticationFlowContext context) {}

                @Override
                public boolean requiresUser() {
                    return true;
                }

                @Override
                public void setRequiredActions(
                        KeycloakSession session, RealmModel realm, UserModel user) {}

                @Override
                public void close() {}
            };

    @Override
    public ConditionalAuthenticator getSingleton() {
        return CONDITION;
    }

    @Override
    public String getDisplayType() {
        return "Condition - Approval Guard risk level";
    }

    @Override
    public String getHelpText() {
        return "Matches when the user's Approval Guard risk level is at or above the configured level.";
    }

    @Override
    public boolean isConfigurable() {
        return true;
    }

    @Override
    public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
        return REQUIREMENT_CHOICES;
    }

    @Override
    public boolean isUserSetupAllowed() {
        return false;
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return OPTIONS.configProperties();
    }

    @Override
    public void init(Config.Scope config) {}

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
