<#ftl output_format="plainText">
${msg("approvalGuardRiskAlertBody", realmName, reasonCode)}
