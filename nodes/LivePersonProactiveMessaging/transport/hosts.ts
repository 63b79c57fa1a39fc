import { LivePersonSetupError } from '../../shared/errors';
import type { RetrySettings } from '../../shared/transport/retry';
import { once, serviceUrl } from '../../shared/transport/session';
import type { ProactiveSession } from './api';

/**
 * LivePerson's zones, by the first label of the account's `agentVep` host (Proactive's page: va. →
 * North America, lo. → EMEA, sy. → APAC). Neither API has a Domain API service of its own.
 */
const ZONES: Record<string, { proactive: string; handoff: string }> = {
	va: { proactive: 'z1', handoff: 'va' },
	lo: { proactive: 'z2', handoff: 'lo' },
	sy: { proactive: 'z3', handoff: 'sy' },
};

/** The zone of an `agentVep` host (`va.agentvep.liveperson.net`, or a base URL), if known. */
export function zoneOf(agentVepHost: string): keyof typeof ZONES | undefined {
	const host = agentVepHost.replace(/^[a-z]+:\/\//i, '');
	const label = host.split('.')[0]?.toLowerCase() ?? '';
	return label in ZONES ? (label as keyof typeof ZONES) : undefined;
}

export interface ProactiveHosts {
	/** Proactive Messaging 2.0: campaigns and their status. */
	proactive: string;
	/** The Outbound Configuration API: handoffs (templates). */
	handoff: string;
}

/** Both APIs' base URLs in the zone of an `agentVep` host; a setup error naming the override when unknown. */
export function zoneHosts(agentVep: string): ProactiveHosts {
	const zone = zoneOf(agentVep);
	if (!zone) {
		throw new LivePersonSetupError(
			`The account's zone is not one Proactive Messaging is known to serve (its agentVep host is ${agentVep.replace(/^[a-z]+:\/\//i, '')})`,
			'Set the Proactive Host and the Outbound Configuration Host in the credential (Override Hosts): LivePerson gives them for your account.',
		);
	}
	return {
		proactive: `https://proactive-messaging.${ZONES[zone].proactive}.fs.liveperson.com`,
		handoff: `https://${ZONES[zone].handoff}.handoff.liveperson.net`,
	};
}

/** The base URLs of both APIs: the credential's overrides, else the account's zone. Worked out once per run. */
export async function proactiveHosts(
	session: ProactiveSession,
	settings: RetrySettings,
): Promise<ProactiveHosts> {
	return await once(session, 'proactiveHosts', async () => {
		const { hostOverrides } = session.credential;
		if (hostOverrides.proactive && hostOverrides.handoff)
			return { proactive: hostOverrides.proactive, handoff: hostOverrides.handoff };
		const zone = zoneHosts(await serviceUrl(session, 'agentVep', settings));
		return {
			proactive: hostOverrides.proactive ?? zone.proactive,
			handoff: hostOverrides.handoff ?? zone.handoff,
		};
	});
}
