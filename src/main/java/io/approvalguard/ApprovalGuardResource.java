package io.approvalguard;

import jakarta.ws.rs.Path;

import org.keycloak.models.KeycloakSession;

import io.approvalguard.device.DeviceResource;
import io.approvalguard.device.WebApproverResource;
import io.approvalguard.push.LoginStatusResource;
import io.approvalguard.waiting.WaitingRequests;

/** {@code /realms/{realm}/approval-guard}: the device API, the sign-in page's status, the web approver. */
public final class ApprovalGuardResource {

    private final KeycloakSession session;
    private final WaitingRequests waiting;

    ApprovalGuardResource(KeycloakSession session, WaitingRequests waiting) {
        this.session = session;
        this.waiting = waiting;
    }

    @Path("device")
    public DeviceResource device() {
        return new DeviceResource(session, waiting);
    }

    @Path("login")
    public LoginStatusResource login() {
        return new LoginStatusResource(session, waiting);
    }

    @Path("app")
    public WebApproverResource app() {
        return new WebApproverResource(session);
    }
}
