/**
 * Checks expected to fail today because of known problems being fixed on main. They show as XFAIL
 * and do not fail the run; once one passes it shows as XPASS: remove it from this list.
 * Keep each reason short and say what the user sees.
 */
export const KNOWN_GAPS: Record<string, string> = {
	'errors.retry-on-fail':
		'Retry On Fail re-runs the whole node with every item: item 1 is sent again and refused ("already has an open conversation"), the run ends in an error',
	'n8n-layout.log.no-stack-traces-from-preauthentication':
		"a wrong Client ID or secret throws a plain Error (LivePersonSetupError) from the credential's preAuthentication; n8n logs it at level error with its stack trace",
	'browser.credential-default-mode': 'the credential dialog opens in Static Tokens; it must default to Client Credentials',
	'browser.canvas-subtitle': 'the canvas subtitle shows raw values such as "createAndSend: conversation"',
	'browser.panel.createWithSdes.no-error-marker': 'the untouched "Additional SDEs (JSON)" field shows "Unexpected end of JSON input"',
	'browser.panel.createWithCampaign.no-error-marker': 'the untouched "Additional SDEs (JSON)" field shows "Unexpected end of JSON input"',
	'browser.panel.createAndSend.no-error-marker': 'the untouched "Additional SDEs (JSON)" field shows "Unexpected end of JSON input"',
};
