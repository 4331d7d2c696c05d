<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=true; section>
    <#if section = "header">
        ${msg("approvalGuardRegisterTitle")}
    <#elseif section = "form">
        <link rel="stylesheet" href="${url.resourcesPath}/approval-guard/approval-guard.css"/>
        <form id="ag-enrol-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post"
              data-status-url="${agStatusUrl}" data-state="pending">
            <p id="ag-enrol-account">${msg("approvalGuardEnrolAccount", agEnrolAccount!"")}</p>
            <p>${msg("approvalGuardRegisterScan")}</p>
            <p class="ag-qr"><img id="ag-enrol-qr" src="${agEnrolQr}" width="280" height="280" alt="${msg("approvalGuardRegisterQrAlt")}"/></p>
            <p>${msg("approvalGuardRegisterOrOpen")}</p>
            <p class="ag-link"><a id="ag-enrol-link" href="${agEnrolLink}" target="_blank" rel="noopener noreferrer">${msg("approvalGuardRegisterOpenLink")}</a></p>
            <p><input id="ag-enrol-link-text" type="text" readonly value="${agEnrolLink}" class="${properties.kcInputClass!}" aria-label="${msg("approvalGuardRegisterOpenLink")}"/></p>
            <p class="ag-hint" id="ag-enrol-waiting" data-expires-at="${agEnrolExpiresAt?c}">${msg("approvalGuardRegisterWaiting")}</p>
            <p class="ag-hint" id="ag-enrol-expiry" hidden>${msg("approvalGuardEnrolExpires")} <span id="ag-enrol-countdown"></span></p>
            <p class="ag-hint" id="ag-enrol-expired" hidden>${msg("approvalGuardEnrolExpired")}</p>
            <noscript><p>${msg("approvalGuardRegisterNoScript")}</p></noscript>
            <div class="${properties.kcFormGroupClass!}">
                <button class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!} ${properties.kcButtonLargeClass!}"
                        type="button" id="ag-enrol-copy" hidden data-copied="${msg("approvalGuardCopied")}">${msg("approvalGuardCopyLink")}</button>
                <#-- Without script, and once the link has expired: ask the server (enrolled? else a new link). -->
                <button class="${properties.kcButtonClass!} ${properties.kcButtonDefaultClass!} ${properties.kcButtonBlockClass!} ${properties.kcButtonLargeClass!}"
                        type="submit" name="action" value="continue" id="ag-enrol-continue" data-new-link="${msg("approvalGuardNewLink")}">${msg("approvalGuardContinue")}</button>
                <#if isAppInitiatedAction??>
                <button class="${properties.kcButtonClass!} ${properties.kcButtonDefaultClass!} ${properties.kcButtonBlockClass!} ${properties.kcButtonLargeClass!}"
                        type="submit" name="action" value="cancel" id="ag-enrol-cancel">${msg("approvalGuardCancel")}</button>
                </#if>
            </div>
        </form>
        <script src="${url.resourcesPath}/approval-guard/wait.js" defer></script>
    </#if>
</@layout.registrationLayout>
