package io.approvalguard.deviceapi;

import io.approvalguard.challenge.AnswerRefused;
import io.approvalguard.support.http.ApiError;
import jakarta.ws.rs.core.Response;

/** The device API's error for each reason the engine refuses an answer (see docs/device-api.md). */
final class AnswerErrors {

    private AnswerErrors() {}

    static ApiError of(AnswerRefused refused) {
        String description = refused.getMessage();
        return switch (refused.reason()) {
            case NOT_FOUND ->
                    new ApiError(Response.Status.NOT_FOUND, "challenge_not_found", description);
            case EXPIRED -> new ApiError(Response.Status.GONE, "challenge_expired", description);
            case CANCELLED ->
                    new ApiError(Response.Status.CONFLICT, "challenge_cancelled", description);
            case NOT_PENDING ->
                    new ApiError(Response.Status.CONFLICT, "challenge_not_pending", description);
            case DEVICE_NOT_ELIGIBLE -> ApiError.forbidden("device_not_eligible", description);
            case PUSH_SUSPENDED -> ApiError.forbidden("push_suspended", description);
            case USER_DISABLED -> ApiError.forbidden("user_disabled", description);
            case CONTEXT_MISMATCH -> ApiError.badRequest("context_mismatch", description);
            case CODE_REQUIRED -> ApiError.badRequest("code_required", description);
            case WRONG_CODE -> ApiError.badRequest("invalid_code", description);
            case NOT_COUNTED ->
                    new ApiError(Response.Status.CONFLICT, "approval_not_counted", description);
        };
    }
}
