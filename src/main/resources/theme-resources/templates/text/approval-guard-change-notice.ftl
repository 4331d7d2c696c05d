<#ftl output_format="plainText">
${msg("approvalGuardChangeNoticeBody", realmName, kind, appliedAt, requestId)}
<#if vetoUrl??>

${msg("approvalGuardChangeNoticeVeto", vetoValidUntil)}
${msg("approvalGuardChangeNoticeVetoLink")}: ${vetoUrl}
</#if>
