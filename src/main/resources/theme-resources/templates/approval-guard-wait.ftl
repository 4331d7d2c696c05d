<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=true; section>
    <#if section = "header">
        <#if agState == "throttled">${msg("approvalGuardThrottledTitle")}<#elseif agState != "pending">${msg("approvalGuardEndedTitle")}<#elseif (agReason!"") == "add-device">${msg("approvalGuardConfirmTitle")}<#elseif (agReason!"") == "password-reset">${msg("approvalGuardResetTitle")}<#else>${msg("approvalGuardWaitTitle")}</#if>
    <#elseif section = "form">
        <link rel="stylesheet" href="${url.resourcesPath}/approval-guard/approval-guard.css"/>
        <form id="ag-wait-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post"
              data-status-url="${agStatusUrl}" data-state="${agState}">
            <div id="ag-message" data-state="${agState}" data-quiet="${(agQuiet!false)?c}">
            <#if agState == "pending">
                <#if agCode??>
                    <p>${msg("approvalGuardTypeCode")}</p>
                    <p class="ag-code" aria-live="polite"><span id="ag-code">${agCode}</span></p>
                <#else>
                    <p>${msg("approvalGuardOpenApprover")}</p>
                </#if>
                <#if agBindingMessage??>
                    <p class="ag-binding-message">${msg("approvalGuardBindingMessage")} <strong id="ag-binding-message">${agBindingMessage}</strong></p>
                </#if>
                <dl class="ag-context">
                    <dt>${msg("approvalGuardApplication")}</dt><dd id="ag-client">${agClientName!""}</dd>
                    <dt>${msg("approvalGuardIpAddress")}</dt><dd id="ag-ip">${agIpAddress!""}</dd>
                </dl>
                <p class="ag-hint" id="ag-waiting" data-expires-at="${(agExpiresAt!0)?c}">${msg("approvalGuardWaiting")}</p>
                <noscript><p>${msg("approvalGuardNoScript")}</p></noscript>
            <#elseif agState == "throttled" && agRetryAfter??>
                <p class="ag-hint" id="ag-retry" data-retry-after="${agRetryAfter?c}" hidden>${msg("approvalGuardRetryIn")} <span id="ag-retry-countdown"></span></p>
            </#if>
            </div>
            <div class="${properties.kcFormGroupClass!}">
                <#if agState == "pending">
                    <#-- The page moves on by itself; without script the user continues once the device has answered. -->
                    <noscript><button class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!} ${properties.kcButtonLargeClass!}"
                            type="submit" name="action" value="continue" id="ag-continue">${msg("approvalGuardContinue")}</button></noscript>
                <#elseif agState == "throttled">
                    <button class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!} ${properties.kcButtonLargeClass!}"
                            type="submit" name="action" value="resend" id="ag-try-again">${msg("approvalGuardTryAgain")}</button>
                <#elseif agCanResend>
                    <button class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!} ${properties.kcButtonLargeClass!}"
                            type="submit" name="action" value="resend" id="ag-resend">${msg("approvalGuardResend")}</button>
                <#else>
                    <a id="ag-restart" href="${url.loginRestartFlowUrl}">${msg("approvalGuardStartOver")}</a>
                </#if>
                <button class="${properties.kcButtonClass!} ${properties.kcButtonDefaultClass!} ${properties.kcButtonBlockClass!} ${properties.kcButtonLargeClass!}"
                        type="submit" name="action" value="cancel" id="ag-cancel">${msg("approvalGuardCancel")}</button>
            </div>
        </form>
        <script src="${url.resourcesPath}/approval-guard/wait.js" defer></script>
    </#if>
</@layout.registrationLayout>
