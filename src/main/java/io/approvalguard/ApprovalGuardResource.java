package io.approvalguard;

import jakarta.ws.rs.Path;

import org.keycloak.models.KeycloakSession;

import io.approvalguard.device.DeviceResource;
import io.approvalguard.device.WebApproverResource;
import io.approvalguard.push.LoginStatusResource;

/** {@code /realms/{realm}/approval-guard}: the device API, the sign-in page's status, the web approver. */
public final class ApprovalGuardResource {

    private final KeycloakSession session;

    ApprovalGuardResource(KeycloakSession session) {
        this.session = session;
    }

    @Path("device")
    public DeviceResource device() {
        return new DeviceResource(session);
    }

    @Path("login")
    public LoginStatusResource login() {
        return new LoginStatusResource(session);
    }

    @Path("app")
    public WebApproverResource app() {
        return new WebApproverResource(session);
    }
}
