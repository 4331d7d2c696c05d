<html>
<body>
<p>${kcSanitize(msg("approvalGuardChangeNoticeBody", realmName, kind, appliedAt, requestId))?no_esc}</p>
<#if vetoUrl??>
<p>${kcSanitize(msg("approvalGuardChangeNoticeVeto", vetoValidUntil))?no_esc}</p>
<p><a href="${vetoUrl}">${msg("approvalGuardChangeNoticeVetoLink")}</a></p>
</#if>
</body>
</html>
