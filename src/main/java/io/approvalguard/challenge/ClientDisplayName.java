package io.approvalguard.challenge;

import java.io.IOException;
import java.text.MessageFormat;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.theme.Theme;

/**
 * The name of an application as a person knows it. Keycloak's own clients are named by message keys
 * such as {@code ${client_account-console}}, which its pages resolve through the theme's messages;
 * the approver is shown the same words ("Account Console"), not the key.
 */
final class ClientDisplayName {

    private static final Logger LOG = Logger.getLogger(ClientDisplayName.class);

    /** A name that is one message key and nothing else, as Keycloak gives its own clients. */
    private static final Pattern MESSAGE_KEY = Pattern.compile("\\$\\{([^${}]+)}");

    private ClientDisplayName() {}

    /**
     * The client's name, a message key resolved through the realm's login theme, else the client
     * id.
     */
    static String of(KeycloakSession session, RealmModel realm, ClientModel client) {
        String name = client.getName();
        if (name == null || !name.startsWith("${")) {
            return of(name, client.getClientId(), null);
        }
        return of(name, client.getClientId(), loginMessages(session, realm));
    }

    /**
     * The name to show: {@code name} itself; a name that is a message key, that key's message (the
     * client id when the key is unknown); the client id for a blank name or a name that merely
     * starts like a key.
     */
    static String of(String name, String clientId, Properties messages) {
        if (name == null || name.isBlank()) {
            return clientId;
        }
        if (!name.startsWith("${")) {
            return name;
        }
        Matcher key = MESSAGE_KEY.matcher(name);
        String message =
                key.matches() && messages != null ? messages.getProperty(key.group(1)) : null;
        if (message == null || message.isBlank()) {
            return clientId;
        }
        try {
            // Theme messages are MessageFormat patterns ('' for a quote), as Keycloak's pages
            // format them.
            return new MessageFormat(message, Locale.ROOT).format(new Object[0]);
        } catch (IllegalArgumentException notAPattern) {
            return message;
        }
    }

    /**
     * The login theme's messages in the realm's default locale (English when the realm is not
     * localised), with the realm's own translations over them; null when they cannot be read.
     */
    private static Properties loginMessages(KeycloakSession session, RealmModel realm) {
        String tag = realm.isInternationalizationEnabled() ? realm.getDefaultLocale() : null;
        Locale locale = tag == null || tag.isBlank() ? Locale.ENGLISH : Locale.forLanguageTag(tag);
        try {
            return session.theme().getTheme(Theme.Type.LOGIN).getEnhancedMessages(realm, locale);
        } catch (IOException e) {
            LOG.debugf(
                    e,
                    "Approval Guard: login theme messages of realm %s cannot be read",
                    realm.getName());
            return null;
        }
    }
}
