<html>
<body>
<p>${kcSanitize(msg("approvalGuardChangeNoticeBody", realmName, kind, appliedAt, requestId))?no_esc}</p>
</body>
</html>
