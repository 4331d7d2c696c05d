<#import "template.ftl" as layout>
<#-- The "this wasn't me" page of a change notice. Every value is text (auto-escaped); only the confirm POST acts. -->
<@layout.registrationLayout displayMessage=false; section>
    <#if section = "header">
        <#if agVetoState == "confirm">${msg("approvalGuardVetoTitle")}<#elseif agVetoState == "reported">${msg("approvalGuardVetoReportedTitle")}<#elseif agVetoState == "already">${msg("approvalGuardVetoAlreadyTitle")}<#else>${msg("approvalGuardVetoInvalidTitle")}</#if>
    <#elseif section = "form">
        <div id="ag-veto" data-state="${agVetoState}">
        <#if agVetoState == "confirm">
            <p id="ag-veto-question">${msg("approvalGuardVetoQuestion", agVetoKind, agVetoRequestId)}</p>
            <p>${msg("approvalGuardVetoExplain")}</p>
            <form id="ag-veto-form" class="${properties.kcFormClass!}" action="${agVetoAction}" method="post">
                <input type="hidden" name="key" value="${agVetoKey}"/>
                <div class="${properties.kcFormGroupClass!}">
                    <button class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!} ${properties.kcButtonLargeClass!}"
                            type="submit" id="ag-veto-confirm">${msg("approvalGuardVetoConfirm")}</button>
                </div>
            </form>
        <#elseif agVetoState == "reported">
            <p id="ag-veto-result">${msg("approvalGuardVetoReported", agVetoRequestId)}</p>
        <#elseif agVetoState == "already">
            <p id="ag-veto-result">${msg("approvalGuardVetoAlready", agVetoRequestId)}</p>
        <#else>
            <p id="ag-veto-result">${msg("approvalGuardVetoInvalid")}</p>
        </#if>
        </div>
    </#if>
</@layout.registrationLayout>
