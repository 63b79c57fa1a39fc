import type { INodeProperties, TriggerPanelDefinition } from 'n8n-workflow';

/** Used when the option is not set; the panel's defaults below repeat them (lint wants literals there). */
export const AGENT_ROLES = ['ASSIGNED_AGENT', 'AGENT_MANAGER', 'ASSIGNED_MANAGER'];
export const DEFAULT_EVENTS = ['ContentEvent', 'ExConversationChangeNotification'];

export const triggerPanel: TriggerPanelDefinition = {
	header: 'Listening for LivePerson webhooks',
	executionsHelp: {
		inactive:
			"While you build: click 'Listen for test event', put the <b>Test URL</b> (Webhook URLs, above) as the endpoint of each chosen event type in LivePerson's Connector App Hub, and make the agent answer. The change shows up here.<br /><br />For real use: activate the workflow and put the <b>Production URL</b> in the App Hub instead. The two URLs differ; production runs are listed under Executions.",
		active:
			"The workflow is active: changes sent to the <b>Production URL</b> run it and are listed under Executions. To try changes in the editor, deactivate it, click 'Listen for test event' and point the App Hub at the <b>Test URL</b>.",
	},
	activationHint:
		"When the workflow works, activate it and replace the Test URL in LivePerson's Connector App Hub with the Production URL.",
};

export const properties: INodeProperties[] = [
	{
		displayName:
			'Put the Webhook URL (above) in LivePerson\'s Connector App Hub, once per event type. <a href="https://github.com/n8n-nodes-liveperson/n8n-nodes-liveperson/blob/main/docs/trigger.md" target="_blank">Setup steps</a>',
		name: 'setupNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		required: true,
		options: [
			{
				name: 'Conversation Changes',
				value: 'ExConversationChangeNotification',
				description:
					'A conversation opened, was transferred, closed, or its survey ended (cqm.ExConversationChangeNotification)',
			},
			{
				name: 'Messages',
				value: 'ContentEvent',
				description: 'Text and file messages (ContentEvent)',
			},
			{
				name: 'Read Receipts',
				value: 'AcceptStatusEvent',
				description: 'A message was accepted or read (AcceptStatusEvent)',
			},
			{
				name: 'Rich Content',
				value: 'RichContentEvent',
				description: 'Structured content: cards, buttons, images, surveys (RichContentEvent)',
			},
			{
				name: 'Typing',
				value: 'ChatStateEvent',
				description: 'Someone started or stopped typing (ChatStateEvent)',
			},
		],
		default: ['ContentEvent', 'ExConversationChangeNotification'],
		description:
			'Which changes start the workflow. Register the URL in LivePerson for each of these event types; changes of other types are answered and dropped.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Closed Conversations Only',
				name: 'closedOnly',
				type: 'boolean',
				default: false,
				description:
					"Whether conversation changes start the workflow only once the conversation's main dialog is closed (state CLOSE). Its stage can still be OPEN while a post-conversation survey runs: a second item follows when the survey ends.",
			},
			{
				displayName: 'Download Files',
				name: 'downloadFiles',
				type: 'boolean',
				default: false,
				description:
					'Whether to download the files agents send (JPG, PNG, GIF) and attach them to the item as binary data. LivePerson is answered first; a file that cannot be downloaded leaves the item with fileDownload: {error, reason}.',
			},
			{
				displayName: 'Download Files As Consumer ID',
				name: 'downloadConsumerId',
				type: 'string',
				default: 'n8n-file-downloads',
				description:
					"With Download Files and Client Credentials: the consumer (LivePerson's ext_consumer_id) the node asks for the files' download URLs as. LivePerson's request names only the file, and a webhook carries no consumer token. With Static Tokens the credential's Default ConsumerJWS is used.",
			},
			{
				displayName: 'Drop Duplicates',
				name: 'dropDuplicates',
				type: 'boolean',
				default: false,
				description:
					'Whether to drop a change this node already emitted: a message or read receipt with the same conversation and sequence, a conversation change with the same state and stage (and update time). Remembered in memory, up to 10,000 per node: forgotten when n8n restarts and not shared between n8n instances. Typing changes are never dropped.',
			},
			{
				displayName: 'Files Binary Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				description: 'With Download Files: the binary field a downloaded file is put in',
			},
			{
				displayName: 'Include Private Agent Notes',
				name: 'includePrivateNotes',
				type: 'boolean',
				default: false,
				description:
					'Whether messages only agents and managers see (messageAudience AGENTS_AND_MANAGERS) start the workflow',
			},
			{
				displayName: 'Max File Size (MB)',
				name: 'maxFileSize',
				type: 'number',
				typeOptions: { minValue: 0.01, maxValue: 100 },
				default: 10,
				description:
					'With Download Files: a larger file is not attached (fileDownload.reason fileTooLarge). LivePerson itself shares files up to 3 MB.',
			},
			{
				displayName: 'Originator Roles',
				name: 'originatorRoles',
				type: 'multiOptions',
				options: [
					{ name: 'Agent Manager', value: 'AGENT_MANAGER' },
					{ name: 'Assigned Agent', value: 'ASSIGNED_AGENT' },
					{ name: 'Assigned Manager', value: 'ASSIGNED_MANAGER' },
					{
						name: 'Consumer',
						value: 'CONSUMER',
						description: "The consumer's own messages: including those your Connector node sent",
					},
					{ name: 'Controller (System)', value: 'CONTROLLER' },
					{ name: 'Reader', value: 'READER' },
				],
				default: ['ASSIGNED_AGENT', 'AGENT_MANAGER', 'ASSIGNED_MANAGER'],
				description:
					"Whose messages, typing and read receipts start the workflow. Default: agents only, so the consumer's own messages never come back.",
			},
		],
	},
];
