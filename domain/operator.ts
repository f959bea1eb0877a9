/**
 * Who acted on a case: an operator's name as the audit trail records it (`operator.action`). API callers are
 * named by their key (`api.<key name>`), the CLI by its operator (`cli.<name>`), and messages sent without a
 * name (the Temporal UI's signals) as `temporal-ui`. The pattern is the trail's own for operator names.
 */
export const OPERATOR_PATTERN = /^[A-Za-z0-9_.@-]{1,64}$/;

/** A name an API key or an operator may take: the part after the source. */
export const OPERATOR_NAME_PATTERN = /^[A-Za-z0-9_@-][A-Za-z0-9_.@-]{0,47}$/;

export const OPERATOR_SOURCES = ['api', 'cli'] as const;
export type OperatorSource = (typeof OPERATOR_SOURCES)[number];

/** What a message without a name is recorded as: the Temporal UI (or any client that names nobody). */
export const UNNAMED_OPERATOR = 'temporal-ui';

/** The operator `name` acting through `source`, e.g. `api.partner-backend`, `cli.anna`. */
export function operatorName(source: OperatorSource, name: string): string {
  return `${source}.${name}`;
}

/** The operator actions the trail records. */
export const OPERATOR_ACTIONS = ['retry', 'cancel', 'recheck'] as const;
export type OperatorAction = (typeof OPERATOR_ACTIONS)[number];
