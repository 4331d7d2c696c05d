<html>
<body>
<p>${kcSanitize(msg("approvalGuardRiskAlertBody", realmName, reasonCode))?no_esc}</p>
</body>
</html>
