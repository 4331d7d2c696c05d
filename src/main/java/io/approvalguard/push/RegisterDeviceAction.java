package io.approvalguard.push;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.WriterException;
import com.google.zxing.client.j2se.MatrixToImageWriter;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import io.approvalguard.challenge.Challenge;
import io.approvalguard.challenge.Opening;
import io.approvalguard.challenge.Purpose;
import io.approvalguard.challenge.Verdict;
import io.approvalguard.device.DeviceRegistry;
import io.approvalguard.device.EnrolmentTokens;
import io.approvalguard.waiting.Wakes;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.util.Base64;
import java.util.Optional;
import org.keycloak.authentication.InitiatedActionSupport;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Enrols an approver device: shows a QR code with a single-use link, and continues once the device
 * has proven possession of its new key. A user who already has an active device first confirms with
 * it, unless this login already passed a second factor.
 */
public final class RegisterDeviceAction implements RequiredActionProvider {

    public static final String TEMPLATE = "approval-guard-register.ftl";
    private static final String NOTE_STAGE = "ag.register.stage";
    private static final String NOTE_TOKEN_HASH = "ag.enrol.hash";
    static final String STAGE_CONFIRM = "confirm";
    static final String STAGE_ENROL = "enrol";

    private final KeycloakSession session;
    private final DeviceRegistry devices = new DeviceRegistry();

    RegisterDeviceAction(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public InitiatedActionSupport initiatedActionSupport() {
        // The Account Console's "Set up" starts enrolment as an application-initiated action.
        return InitiatedActionSupport.SUPPORTED;
    }

    @Override
    public void evaluateTriggers(RequiredActionContext context) {
        // Added by the push authenticator (user without a device), an administrator, or the Account
        // Console.
    }

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        if (devices.hasActiveDevice(context.getUser())
                && !SecondFactorCheck.passed(session, authSession)) {
            if (new PushChallenges(session)
                    .unfinished(authSession, Purpose.ADD_DEVICE)
                    .isPresent()) {
                processConfirmation(context, null); // a reload shows the same confirmation request
            } else {
                startConfirmation(context);
            }
        } else if (devices.devicesOf(context.getUser()).findAny().isPresent()
                && !SecondFactorCheck.passed(session, authSession)) {
            // Every device is suspended (a risk response asked for re-enrolment): the password may
            // be
            // the attacker's, so a new device needs another factor in this login, or an
            // administrator.
            context.challenge(
                    context.form()
                            .setError("approvalGuardReenrolNeedsSecondFactor")
                            .createErrorPage(Response.Status.FORBIDDEN));
        } else {
            showEnrolment(context, null);
        }
    }

    @Override
    public void processAction(RequiredActionContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String action = form.getFirst(WaitPage.FORM_ACTION);
        if (WaitPage.ACTION_CANCEL.equals(action)) {
            withdrawToken(authSession);
            new PushChallenges(session).cancel(authSession, context.getEvent());
            if (isApplicationInitiated(authSession)) {
                context.cancel(); // "Set up" from the Account Console: back to it, nothing changed
            } else {
                context.failure(); // a mandatory step of a login cannot be skipped: the login ends
            }
            return;
        }
        if (STAGE_CONFIRM.equals(authSession.getAuthNote(NOTE_STAGE))) {
            processConfirmation(context, action);
            return;
        }
        if (!STAGE_ENROL.equals(authSession.getAuthNote(NOTE_STAGE))) {
            requiredActionChallenge(context);
            return;
        }
        Optional<String> enrolled =
                new EnrolmentTokens(session)
                        .completedDevice(
                                authSession.getAuthNote(NOTE_TOKEN_HASH), context.getUser().getId())
                        .filter(id -> devices.find(context.getUser(), id).isPresent());
        if (enrolled.isEmpty()) {
            showEnrolment(context, "approvalGuardNotEnrolledYet");
            return;
        }
        PushChallenges.rememberEnrolledDuringThisLogin(authSession, enrolled.get());
        authSession.removeAuthNote(NOTE_STAGE);
        authSession.removeAuthNote(NOTE_TOKEN_HASH);
        context.success();
    }

    /** What a page waiting for this login's enrolment is woken by, when it is at that stage. */
    public static Optional<String> enrolmentWakeKey(AuthenticationSessionModel authSession) {
        String tokenHash = authSession.getAuthNote(NOTE_TOKEN_HASH);
        return STAGE_ENROL.equals(authSession.getAuthNote(NOTE_STAGE)) && tokenHash != null
                ? Optional.of(Wakes.enrolment(tokenHash))
                : Optional.empty();
    }

    /**
     * The state the enrolment page polls for: "enrolled" once the device has enrolled, else
     * "pending".
     */
    public static Optional<String> enrolmentState(
            KeycloakSession session, AuthenticationSessionModel authSession) {
        if (!STAGE_ENROL.equals(authSession.getAuthNote(NOTE_STAGE))
                || authSession.getAuthenticatedUser() == null) {
            return Optional.empty();
        }
        boolean done =
                new EnrolmentTokens(session)
                        .completedDevice(
                                authSession.getAuthNote(NOTE_TOKEN_HASH),
                                authSession.getAuthenticatedUser().getId())
                        .isPresent();
        return Optional.of(done ? "enrolled" : "pending");
    }

    private static boolean isApplicationInitiated(AuthenticationSessionModel authSession) {
        return RegisterDeviceActionFactory.PROVIDER_ID.equals(
                authSession.getClientNote(Constants.KC_ACTION));
    }

    private void startConfirmation(RequiredActionContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        authSession.removeAuthNote(NOTE_STAGE);
        Opening opening =
                new PushChallenges(session)
                        .open(
                                authSession,
                                context.getUser(),
                                Purpose.ADD_DEVICE,
                                PushSettings.forConfirmation(context.getRealm()),
                                context.getEvent());
        if (opening.isOpened()) {
            // Only an open confirmation challenge puts the action at this stage.
            authSession.setAuthNote(NOTE_STAGE, STAGE_CONFIRM);
        }
        if (opening.isInvalidRequest()) {
            context.challenge(
                    PushMessages.invalidRequest(context.form(), opening.invalidRequest())
                            .createErrorPage(Response.Status.BAD_REQUEST));
            return;
        }
        if (opening.isClosed()) {
            context.challenge(
                    context.form()
                            .setError(PushMessages.forClosed(opening.closed(), true))
                            .createErrorPage(Response.Status.FORBIDDEN));
            return;
        }
        if (!opening.isOpened()) {
            context.challenge(
                    WaitPage.throttled(
                            session,
                            PushMessages.throttled(
                                    context.form(), opening.refusal(), opening.retryAfterSeconds()),
                            authSession,
                            opening.retryAfterSeconds()));
            return;
        }
        context.challenge(
                WaitPage.render(
                        session,
                        context.form().setInfo("approvalGuardConfirmNewDevice"),
                        authSession,
                        opening.challenge(),
                        opening.code(),
                        "pending",
                        false,
                        opening.quiet()));
    }

    private void processConfirmation(RequiredActionContext context, String action) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        PushChallenges challenges = new PushChallenges(session);
        Verdict verdict =
                challenges.conclude(
                        authSession, context.getUser(), Purpose.ADD_DEVICE, context.getEvent());
        if (verdict == Verdict.APPROVED) {
            showEnrolment(context, null);
            return;
        }
        if (WaitPage.ACTION_RESEND.equals(action) && verdict.allowsResend()) {
            startConfirmation(context);
            return;
        }
        Challenge challenge = challenges.current(authSession).orElse(null);
        String code = challenge == null ? null : PushChallenges.codeShown(authSession, challenge);
        var form = context.form();
        if (verdict == Verdict.PENDING) {
            form.setInfo("approvalGuardConfirmNewDevice");
        } else {
            form.setError(PushMessages.forVerdict(verdict));
        }
        context.challenge(
                WaitPage.render(
                        session,
                        form,
                        authSession,
                        challenge,
                        verdict == Verdict.PENDING ? code : null,
                        verdict));
    }

    private void showEnrolment(RequiredActionContext context, String error) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        withdrawToken(authSession);
        EnrolmentTokens.Issued issued =
                new EnrolmentTokens(session)
                        .issue(
                                context.getRealm().getId(),
                                context.getUser().getId(),
                                authSession.getClient().getId());
        authSession.setAuthNote(NOTE_STAGE, STAGE_ENROL);
        authSession.setAuthNote(NOTE_TOKEN_HASH, issued.tokenHash());

        URI link =
                UriBuilder.fromUri(session.getContext().getUri().getBaseUri())
                        .path("realms")
                        .path(context.getRealm().getName())
                        .path("approval-guard")
                        .path("app")
                        .path("/")
                        .fragment("enrol=" + issued.token())
                        .build();
        var form = context.form();
        if (error != null) {
            form.setError(error);
        }
        Response page =
                form.setAttribute("agEnrolLink", link.toString())
                        .setAttribute("agEnrolQr", qrDataUri(link.toString()))
                        .setAttribute("agEnrolExpiresAt", issued.expiresAt())
                        .setAttribute("agEnrolAccount", context.getUser().getUsername())
                        .setAttribute(
                                "agStatusUrl", WaitPage.statusUrl(session, authSession).toString())
                        .createForm(TEMPLATE);
        context.challenge(page);
    }

    private void withdrawToken(AuthenticationSessionModel authSession) {
        String previous = authSession.getAuthNote(NOTE_TOKEN_HASH);
        if (previous != null) {
            new EnrolmentTokens(session).withdraw(previous);
        }
    }

    /**
     * The enrolment link as a PNG QR code in a data URI, drawn with the ZXing that Keycloak ships.
     */
    static String qrDataUri(String content) {
        try {
            BitMatrix matrix = new QRCodeWriter().encode(content, BarcodeFormat.QR_CODE, 280, 280);
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            MatrixToImageWriter.writeToStream(matrix, "png", png);
            return "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
        } catch (WriterException | IOException e) {
            throw new IllegalStateException("QR code cannot be drawn", e);
        }
    }

    @Override
    public void close() {}
}
