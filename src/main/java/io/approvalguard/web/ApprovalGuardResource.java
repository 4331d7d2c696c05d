package io.approvalguard.web;

import io.approvalguard.deviceapi.DeviceResource;
import io.approvalguard.deviceapi.WebApproverResource;
import io.approvalguard.governance.GovernanceResource;
import io.approvalguard.governance.desk.DeskResource;
import io.approvalguard.push.LoginStatusResource;
import io.approvalguard.support.http.ApiError;
import io.approvalguard.support.http.RequestHeaderLimits;
import io.approvalguard.waiting.WaitingRequests;
import jakarta.ws.rs.Path;
import java.util.Arrays;
import org.keycloak.models.KeycloakSession;

/**
 * {@code /realms/{realm}/approval-guard}: the device API, the sign-in page's status, the web
 * approver, governance and its desk page. Each locator first refuses, with our JSON error, a
 * request its resource does not serve (see {@link ResourceRoutes}); the device API also holds the
 * header limits of its contract.
 */
public final class ApprovalGuardResource {

    /** realms / {realm} / approval-guard / {part}: what precedes a sub-resource's own path. */
    private static final int SEGMENTS_BEFORE_RESOURCE = 4;

    private final KeycloakSession session;
    private final WaitingRequests waiting;

    ApprovalGuardResource(KeycloakSession session, WaitingRequests waiting) {
        this.session = session;
        this.waiting = waiting;
    }

    @Path("device")
    public DeviceResource device() {
        refuseAsJaxRsError(
                () -> {
                    RequestHeaderLimits.check(
                            session.getContext().getRequestHeaders().getRequestHeaders());
                    admit(DeviceResource.class);
                });
        return new DeviceResource(session, waiting);
    }

    @Path("login")
    public LoginStatusResource login() {
        refuseAsJaxRsError(() -> admit(LoginStatusResource.class));
        return new LoginStatusResource(session, waiting);
    }

    @Path("governance")
    public GovernanceResource governance() {
        refuseAsJaxRsError(() -> admit(GovernanceResource.class));
        return new GovernanceResource(session);
    }

    @Path("desk")
    public DeskResource desk() {
        refuseAsJaxRsError(() -> admit(DeskResource.class));
        return new DeskResource(session);
    }

    @Path("app")
    public WebApproverResource app() {
        refuseAsJaxRsError(() -> admit(WebApproverResource.class));
        return new WebApproverResource(session);
    }

    private void admit(Class<?> resource) {
        ResourceRoutes.of(resource)
                .check(session.getContext().getHttpRequest().getHttpMethod(), pathBelowResource());
    }

    /** A locator cannot return a response: its ApiError travels as an exception that carries it. */
    private static void refuseAsJaxRsError(Runnable checks) {
        try {
            checks.run();
        } catch (ApiError e) {
            throw e.toException();
        }
    }

    /** The raw request path below {@code /realms/{realm}/approval-guard/{part}}. */
    private String pathBelowResource() {
        var uri = session.getContext().getUri();
        String path = uri.getRequestUri().getRawPath();
        String base = uri.getBaseUri().getRawPath();
        String[] segments =
                ResourceRoutes.normalise(
                                path.startsWith(base) ? path.substring(base.length()) : path)
                        .split("/");
        return segments.length <= SEGMENTS_BEFORE_RESOURCE
                ? ""
                : String.join(
                        "/",
                        Arrays.copyOfRange(segments, SEGMENTS_BEFORE_RESOURCE, segments.length));
    }
}
