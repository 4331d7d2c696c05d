<#ftl output_format="plainText">
${msg("approvalGuardBreakGlassBody", realmName, kind, requester, subject, reasonCode, requestId)}
