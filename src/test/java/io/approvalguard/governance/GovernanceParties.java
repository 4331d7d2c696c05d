package io.approvalguard.governance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.Json;
import io.approvalguard.testkit.PushScenario;
import io.approvalguard.testkit.oidc.HttpResult;
import io.approvalguard.testkit.oidc.OidcClient;
import java.util.List;
import java.util.Map;

/**
 * The people of a governance test in the shared test realm: a requester, approvers in the default
 * policy's two groups (one in both), an approver without a device, and subjects with devices. Each
 * call of the governance API uses the person's own access token (password grant of {@code
 * admin-cli}).
 */
final class GovernanceParties {

    static final String REALM = PushScenario.REALM;
    static final String BASE = "/realms/" + REALM + "/approval-guard/governance";
    static final String LEADS = "helpdesk-leads";
    static final String SECURITY = "security";

    final AdminClient admin;

    GovernanceParties(AdminClient admin) {
        this.admin = admin;
        group(LEADS);
        group(SECURITY);
    }

    /** A person with a password, an enrolled device (when asked), these roles and groups. */
    PushScenario person(boolean withDevice, List<String> roles, List<String> groups) {
        PushScenario person =
                withDevice ? PushScenario.enrolledUser(admin) : PushScenario.newUser(admin);
        for (String role : roles) {
            Map<String, Object> representation =
                    admin.send("GET", "/admin/realms/" + REALM + "/roles/" + role, null)
                            .expect(200)
                            .jsonMap();
            admin.send(
                            "POST",
                            "/admin/realms/"
                                    + REALM
                                    + "/users/"
                                    + person.userId
                                    + "/role-mappings/realm",
                            List.of(representation))
                    .expect(204);
        }
        for (String group : groups) {
            admin.send(
                            "PUT",
                            "/admin/realms/"
                                    + REALM
                                    + "/users/"
                                    + person.userId
                                    + "/groups/"
                                    + groupId(group),
                            null)
                    .expect(204);
        }
        return person;
    }

    static String token(PushScenario person) {
        return OidcClient.passwordToken(REALM, "admin-cli", person.username, PushScenario.PASSWORD);
    }

    static HttpResult call(PushScenario person, String method, String path, Object body) {
        return OidcClient.call(
                method, BASE + path, token(person), body == null ? null : Json.write(body));
    }

    String groupId(String name) {
        List<Map<String, Object>> found =
                admin.send(
                                "GET",
                                "/admin/realms/" + REALM + "/groups?exact=true&search=" + name,
                                null)
                        .expect(200)
                        .jsonList();
        return found.stream()
                .filter(g -> name.equals(g.get("name")))
                .map(g -> (String) g.get("id"))
                .findFirst()
                .orElseThrow();
    }

    private void group(String name) {
        HttpResult created =
                admin.send("POST", "/admin/realms/" + REALM + "/groups", Map.of("name", name));
        if (created.status() != 201) {
            assertEquals(409, created.status(), created.body());
        }
    }
}
