<#ftl output_format="plainText">
${msg("approvalGuardChangeNoticeBody", realmName, kind, appliedAt, requestId)}
