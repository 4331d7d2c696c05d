<html>
<body>
<p>${kcSanitize(msg("approvalGuardBreakGlassBody", realmName, kind, requester, subject, reasonCode, requestId))?no_esc}</p>
</body>
</html>
