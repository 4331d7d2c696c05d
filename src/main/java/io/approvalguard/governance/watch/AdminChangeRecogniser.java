package io.approvalguard.governance.watch;

import com.fasterxml.jackson.databind.JsonNode;
import io.approvalguard.device.DeviceCredentialModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.util.JsonSerialization;

/**
 * Recognises, from one Keycloak admin event alone, the sensitive changes of the governed kinds made
 * directly through the admin API or console. A pure function: no session, no database.
 *
 * <p>What Keycloak 26.7 puts into the events it recognises (read from the 26.7.0 {@code
 * keycloak-services} classes): a credential removal is {@code ACTION} on {@code
 * users/{id}/credentials/{credentialId}} with the details {@code credential_type} and {@code
 * credential_user_label}; a password reset is {@code ACTION} on {@code users/{id}/reset-password}
 * <em>without</em> a representation; the actions email is {@code ACTION} on {@code
 * users/{id}/execute-actions-email} (the actions are in the query, which the path leaves out); a
 * user update is {@code UPDATE} on {@code users/{id}} with the representation as sent; enabling a
 * user who was locked out or disabled also removes their login failures, an event of its own
 * ({@code USER_LOGIN_FAILURE DELETE} on {@code users/{id}}); role mappings are {@code CREATE} on
 * {@code .../role-mappings/realm} or {@code .../role-mappings/clients/{clientUuid}} with the roles
 * granted; joining a group is {@code GROUP_MEMBERSHIP CREATE} on {@code
 * users/{id}/groups/{groupId}} with the group.
 *
 * <p>Representations are never copied: only named, non-secret members are read (the email address,
 * {@code enabled}, credential <em>types</em>, role and group ids, names and paths).
 */
public final class AdminChangeRecogniser {

    /** Second-factor credential types (Keycloak's and ours). */
    static final Set<String> SECOND_FACTOR_TYPES =
            Set.of("otp", "webauthn", "webauthn-passwordless", "recovery-authn-codes");

    /** Longest resource path considered; anything longer is no path Keycloak writes. */
    static final int MAX_PATH = 2048;

    /** Longest text copied from an event (a label, a name); longer ones are cut. */
    static final int MAX_TEXT = 255;

    /** Most roles or groups listed from one event; the count says how many there were. */
    static final int MAX_ITEMS = 50;

    private AdminChangeRecogniser() {}

    /**
     * The sensitive changes an admin event records: usually none or one; a user update can be both
     * an email change and an enabling. An event that records a failure, or comes from this
     * extension's own admin API ({@code approval-guard/...}), is none.
     */
    public static List<SensitiveChange> recognise(AdminEvent event) {
        if (event == null
                || event.getOperationType() == null
                || event.getResourcePath() == null
                || event.getError() != null) {
            return List.of();
        }
        Optional<List<String>> parsed = segments(event.getResourcePath());
        String type = event.getResourceTypeAsString();
        OperationType operation = event.getOperationType();
        if (parsed.isEmpty()) {
            return unparsedPath(type, operation);
        }
        List<String> path = parsed.get();
        if (path.get(0).equals("approval-guard")) {
            return List.of(); // our own admin API: risk and stream, no governed kind
        }
        if (type == null) {
            return List.of();
        }
        return switch (type) {
            case "USER" -> user(event, path, operation);
            case "USER_LOGIN_FAILURE" -> loginFailure(path, operation);
            case "REALM_ROLE_MAPPING", "CLIENT_ROLE_MAPPING" ->
                    roleMapping(event, path, operation, type);
            case "GROUP_MEMBERSHIP" -> groupMembership(event, path, operation);
            case "REALM_ROLE", "CLIENT_ROLE" -> composite(event, path, operation);
            default -> List.of();
        };
    }

    /**
     * The changes of a user update, given the user as they were before it. Without a trustworthy
     * before-state (the lookup failed, or the user is federated), every member the representation
     * carries is reported with {@code previous_state: unknown}: the console sends email and {@code
     * enabled} on every save, so one event cannot tell a change from a repetition.
     */
    public static List<SensitiveChange> refine(
            List<SensitiveChange> changes, Optional<PriorUserState> prior) {
        Optional<PriorUserState> trusted = prior.filter(p -> !p.federated());
        List<SensitiveChange> refined = new ArrayList<>();
        for (SensitiveChange change : changes) {
            switch (change.what()) {
                case "change_email" -> {
                    String now = (String) change.details().get("new_email");
                    if (trusted.isEmpty()) {
                        refined.add(change.with("previous_state", "unknown"));
                    } else if (!sameEmail(trusted.get().email(), now)) {
                        refined.add(
                                trusted.get().email() == null
                                        ? change
                                        : change.with("old_email", trusted.get().email()));
                    }
                }
                case "enable_user" -> {
                    if (trusted.isEmpty()) {
                        refined.add(change.with("previous_state", "unknown"));
                    } else if (!trusted.get().enabled()) {
                        refined.add(change);
                    }
                }
                default -> refined.add(change);
            }
        }
        return refined;
    }

    /** Whether a change needs the user's state before the request to be told apart. */
    public static boolean needsPriorState(List<SensitiveChange> changes) {
        return changes.stream()
                .anyMatch(c -> c.what().equals("change_email") || c.what().equals("enable_user"));
    }

    // ------------------------------------------------------------------ resource types

    private static List<SensitiveChange> user(
            AdminEvent event, List<String> path, OperationType operation) {
        if (!path.get(0).equals("users") || path.size() < 2) {
            return List.of();
        }
        String userId = path.get(1);
        if (path.size() == 2) {
            return switch (operation) {
                case UPDATE -> userUpdate(event, userId);
                case CREATE -> userCreate(event, userId);
                default -> List.of();
            };
        }
        String sub = path.get(2);
        if (sub.equals("credentials")
                && path.size() == 4
                && (operation == OperationType.ACTION || operation == OperationType.DELETE)) {
            return List.of(credentialRemoved(event, userId, path.get(3)));
        }
        if (path.size() != 3 && !(sub.equals("federated-identity") && path.size() == 4)) {
            return List.of();
        }
        return switch (sub) {
            case "reset-password" ->
                    operation == OperationType.ACTION
                            ? List.of(
                                    new SensitiveChange(
                                            "reset_password",
                                            "reset_password",
                                            userId,
                                            Map.of("via", "admin_reset_password")))
                            : List.of();
            case "execute-actions-email" ->
                    operation == OperationType.ACTION
                            ? List.of(
                                    new SensitiveChange(
                                            "execute_actions_email",
                                            null,
                                            userId,
                                            Map.of(
                                                    "actions",
                                                    "not in the admin event (query parameters"
                                                            + " and body are left out)")))
                            : List.of();
            case "reset-password-email" ->
                    operation == OperationType.ACTION
                            ? List.of(
                                    new SensitiveChange(
                                            "execute_actions_email",
                                            "reset_password",
                                            userId,
                                            Map.of("actions", List.of("UPDATE_PASSWORD"))))
                            : List.of();
            case "federated-identity" ->
                    operation == OperationType.CREATE
                            ? List.of(identityLinked(event, userId, path.get(3)))
                            : List.of();
            default -> List.of();
        };
    }

    private static SensitiveChange credentialRemoved(
            AdminEvent event, String userId, String credentialId) {
        Map<String, String> eventDetails =
                event.getDetails() == null ? Map.of() : event.getDetails();
        String type = eventDetails.get("credential_type");
        String label = eventDetails.get("credential_user_label");
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("credential_id", credentialId);
        details.put("credential_type", type == null ? "unknown" : cut(type));
        if (label != null) {
            details.put("credential_label", cut(label));
        }
        if (DeviceCredentialModel.TYPE.equals(type)) {
            Map<String, Object> device = new LinkedHashMap<>();
            device.put("device_id", credentialId);
            if (label != null) {
                device.put("device_name", cut(label));
            }
            return new SensitiveChange("remove_device", "remove_device", userId, device);
        }
        if (type != null && SECOND_FACTOR_TYPES.contains(type)) {
            return new SensitiveChange(
                    "remove_second_factor", "reset_second_factors", userId, details);
        }
        if ("password".equals(type)) {
            return new SensitiveChange("remove_password", "reset_password", userId, details);
        }
        return new SensitiveChange("remove_credential", null, userId, details);
    }

    private static List<SensitiveChange> userUpdate(AdminEvent event, String userId) {
        Optional<JsonNode> rep = json(event.getRepresentation()).filter(JsonNode::isObject);
        if (rep.isEmpty()) {
            return List.of();
        }
        List<SensitiveChange> changes = new ArrayList<>();
        JsonNode email = rep.get().get("email");
        if (email != null && (email.isTextual() || email.isNull())) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("new_email", email.isNull() ? "" : cut(email.asText()));
            changes.add(new SensitiveChange("change_email", "change_email", userId, details));
        }
        JsonNode enabled = rep.get().get("enabled");
        if (enabled != null && enabled.isBoolean() && enabled.booleanValue()) {
            changes.add(
                    new SensitiveChange(
                            "enable_user", "unlock_user", userId, Map.of("enabled", true)));
        }
        List<String> credentialTypes = credentialTypes(rep.get().get("credentials"));
        if (!credentialTypes.isEmpty()) {
            changes.add(
                    new SensitiveChange(
                            credentialTypes.contains("password")
                                    ? "reset_password"
                                    : "set_credential",
                            credentialTypes.contains("password") ? "reset_password" : null,
                            userId,
                            Map.of("via", "user_update", "credential_types", credentialTypes)));
        }
        return changes;
    }

    private static List<SensitiveChange> userCreate(AdminEvent event, String userId) {
        Optional<JsonNode> rep = json(event.getRepresentation()).filter(JsonNode::isObject);
        if (rep.isEmpty()) {
            return List.of();
        }
        JsonNode groups = rep.get().get("groups");
        if (groups == null || !groups.isArray() || groups.isEmpty()) {
            return List.of();
        }
        List<String> paths = new ArrayList<>();
        groups.forEach(
                g -> {
                    if (g.isTextual() && paths.size() < MAX_ITEMS) {
                        paths.add(cut(g.asText()));
                    }
                });
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("via", "user_create");
        details.put("group_paths", paths);
        details.put("group_count", groups.size());
        return List.of(new SensitiveChange("grant_group", "grant_group", userId, details));
    }

    private static SensitiveChange identityLinked(AdminEvent event, String userId, String alias) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("identity_provider", cut(alias));
        json(event.getRepresentation())
                .map(rep -> rep.get("userName"))
                .filter(JsonNode::isTextual)
                .ifPresent(name -> details.put("federated_username", cut(name.asText())));
        return new SensitiveChange("link_identity_provider", null, userId, details);
    }

    private static List<SensitiveChange> loginFailure(List<String> path, OperationType operation) {
        if (operation != OperationType.DELETE) {
            return List.of();
        }
        if (path.size() == 4
                && path.get(0).equals("attack-detection")
                && path.get(1).equals("brute-force")
                && path.get(2).equals("users")) {
            return List.of(
                    new SensitiveChange(
                            "unlock_user",
                            "unlock_user",
                            path.get(3),
                            Map.of("via", "attack_detection")));
        }
        if (path.size() == 3
                && path.get(0).equals("attack-detection")
                && path.get(1).equals("brute-force")
                && path.get(2).equals("users")) {
            return List.of(
                    new SensitiveChange(
                            "unlock_all_users",
                            "unlock_user",
                            null,
                            Map.of("via", "attack_detection")));
        }
        if (path.size() == 2 && path.get(0).equals("users")) {
            return List.of(
                    new SensitiveChange(
                            "unlock_user",
                            "unlock_user",
                            path.get(1),
                            Map.of("via", "user_update")));
        }
        return List.of();
    }

    private static List<SensitiveChange> roleMapping(
            AdminEvent event, List<String> path, OperationType operation, String type) {
        if (operation != OperationType.CREATE) {
            return List.of();
        }
        boolean client = type.equals("CLIENT_ROLE_MAPPING");
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("role_type", client ? "client" : "realm");
        roles(event.getRepresentation(), details);
        boolean shaped =
                path.size() >= 4
                        && path.get(2).equals("role-mappings")
                        && (client
                                ? path.size() == 5 && path.get(3).equals("clients")
                                : path.size() == 4 && path.get(3).equals("realm"));
        if (shaped && client) {
            details.put("client_uuid", path.get(4));
        }
        if (shaped && path.get(0).equals("users")) {
            return List.of(new SensitiveChange("grant_role", "grant_role", path.get(1), details));
        }
        if (shaped && path.get(0).equals("groups")) {
            details.put("group_id", path.get(1));
            return List.of(new SensitiveChange("grant_role_to_group", null, null, details));
        }
        // A role mapping created where we know of none: report it rather than miss it.
        details.put("path_recognised", false);
        return List.of(new SensitiveChange("grant_role", "grant_role", null, details));
    }

    private static List<SensitiveChange> groupMembership(
            AdminEvent event, List<String> path, OperationType operation) {
        if (operation != OperationType.CREATE) {
            return List.of();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        boolean shaped =
                path.size() == 4 && path.get(0).equals("users") && path.get(2).equals("groups");
        if (shaped) {
            details.put("group_id", path.get(3));
        }
        json(event.getRepresentation())
                .filter(JsonNode::isObject)
                .ifPresent(
                        group -> {
                            text(group, "path").ifPresent(p -> details.put("group_path", p));
                            text(group, "name").ifPresent(n -> details.put("group_name", n));
                            if (!shaped) {
                                text(group, "id").ifPresent(i -> details.put("group_id", i));
                            }
                        });
        if (shaped) {
            return List.of(new SensitiveChange("grant_group", "grant_group", path.get(1), details));
        }
        details.put("path_recognised", false);
        return List.of(new SensitiveChange("grant_group", "grant_group", null, details));
    }

    private static List<SensitiveChange> composite(
            AdminEvent event, List<String> path, OperationType operation) {
        if (operation != OperationType.CREATE || !path.get(path.size() - 1).equals("composites")) {
            return List.of();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        if (path.size() == 3 && path.get(0).equals("roles")) {
            details.put("parent_role_name", path.get(1));
        } else if (path.size() == 3 && path.get(0).equals("roles-by-id")) {
            details.put("parent_role_id", path.get(1));
        } else if (path.size() == 5
                && path.get(0).equals("clients")
                && path.get(2).equals("roles")) {
            details.put("parent_client_uuid", path.get(1));
            details.put("parent_role_name", path.get(3));
        } else {
            return List.of();
        }
        roles(event.getRepresentation(), details);
        return List.of(new SensitiveChange("add_composite_role", null, null, details));
    }

    /** A path that does not parse: only a role or group grant is still worth reporting. */
    private static List<SensitiveChange> unparsedPath(String type, OperationType operation) {
        if (operation != OperationType.CREATE || type == null) {
            return List.of();
        }
        return switch (type) {
            case "REALM_ROLE_MAPPING", "CLIENT_ROLE_MAPPING" ->
                    List.of(
                            new SensitiveChange(
                                    "grant_role",
                                    "grant_role",
                                    null,
                                    Map.of("path_recognised", false)));
            case "GROUP_MEMBERSHIP" ->
                    List.of(
                            new SensitiveChange(
                                    "grant_group",
                                    "grant_group",
                                    null,
                                    Map.of("path_recognised", false)));
            default -> List.of();
        };
    }

    // ------------------------------------------------------------------ parts

    /**
     * The path's segments: relative to the realm ({@code users/{id}/...}), one trailing slash
     * allowed; empty when it is no path Keycloak writes (empty, too long, an empty segment inside,
     * a control character, a leading slash).
     */
    static Optional<List<String>> segments(String path) {
        if (path.isEmpty() || path.length() > MAX_PATH) {
            return Optional.empty();
        }
        for (int i = 0; i < path.length(); i++) {
            if (Character.isISOControl(path.charAt(i))) {
                return Optional.empty();
            }
        }
        String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        String[] parts = trimmed.split("/", -1);
        for (String part : parts) {
            if (part.isEmpty()) {
                return Optional.empty();
            }
        }
        return Optional.of(List.of(parts));
    }

    private static void roles(String representation, Map<String, Object> details) {
        Optional<JsonNode> rep = json(representation).filter(JsonNode::isArray);
        if (rep.isEmpty()) {
            return;
        }
        List<Map<String, Object>> roles = new ArrayList<>();
        for (JsonNode role : rep.get()) {
            if (roles.size() == MAX_ITEMS) {
                break;
            }
            if (!role.isObject()) {
                continue;
            }
            Map<String, Object> shown = new LinkedHashMap<>();
            text(role, "id").ifPresent(v -> shown.put("role_id", v));
            text(role, "name").ifPresent(v -> shown.put("role_name", v));
            if (role.path("clientRole").asBoolean(false)) {
                text(role, "containerId").ifPresent(v -> shown.put("client_uuid", v));
            }
            if (!shown.isEmpty()) {
                roles.add(shown);
            }
        }
        details.put("roles", roles);
        details.put("role_count", rep.get().size());
    }

    private static List<String> credentialTypes(JsonNode credentials) {
        if (credentials == null || !credentials.isArray()) {
            return List.of();
        }
        Set<String> types = new LinkedHashSet<>();
        for (JsonNode credential : credentials) {
            if (credential.isObject() && types.size() < MAX_ITEMS) {
                types.add(text(credential, "type").orElse("password"));
            }
        }
        return List.copyOf(types);
    }

    private static Optional<String> text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value != null && value.isTextual()
                ? Optional.of(cut(value.asText()))
                : Optional.empty();
    }

    private static Optional<JsonNode> json(String representation) {
        if (representation == null || representation.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(JsonSerialization.mapper.readTree(representation));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean sameEmail(String before, String now) {
        String a = before == null ? "" : before.toLowerCase(Locale.ROOT);
        String b = now == null ? "" : now.toLowerCase(Locale.ROOT);
        return a.equals(b);
    }

    private static String cut(String text) {
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT);
    }
}
