import { Field, InputType, Int, ObjectType } from "type-graphql";
import { DateTimeScalar } from "../scalars.js";
import { CredentialKind, IntegrationStatus } from "./enums.js";

@ObjectType({ description: "How full syncs behave for the company.", simpleResolvers: true })
export class SyncSettings {
  @Field(() => Int, {
    description:
      "A full sync that would delete more than this share (percent) of the synced employees is HELD. Default 20.",
  })
  deletionSafeguardPercent!: number;

  @Field(() => Int, {
    nullable: true,
    description: "Full reconciliation sync every N hours (repairs missed webhooks); null = off.",
  })
  reconcileEveryHours!: number | null;

  @Field(() => String, {
    description:
      "IANA time zone of the company's calendar day: its today for lifecycle, surveyable and tenure. Default UTC.",
  })
  timeZone!: string;

  @Field(() => String, {
    nullable: true,
    description:
      "HTTPS URL that receives signed JSON notifications (credential refused, run HELD, run FAILED, no successful sync for a day); null = none.",
  })
  notificationUrl!: string | null;
}

@ObjectType({ description: "Something the admin should fix in Bob.", simpleResolvers: true })
export class IntegrationWarning {
  @Field(() => String, { description: "FIELD_NOT_VISIBLE: a field the sync needs that the credential cannot see." })
  code!: string;

  @Field(() => String, { description: "Plain words: what is wrong and what to change in Bob." })
  message!: string;

  @Field(() => String, { nullable: true })
  bobFieldId!: string | null;
}

@ObjectType({ description: "State of the company's Bob integration.", simpleResolvers: true })
export class Integration {
  @Field(() => IntegrationStatus)
  status!: IntegrationStatus;

  @Field(() => CredentialKind, { nullable: true })
  credentialKind!: CredentialKind | null;

  @Field(() => String, { nullable: true, description: "Last four characters of the token, nothing more." })
  tokenHint!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  connectedAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Unique to the company, unguessable; null unless connected (kept while NEEDS_RECONNECT: deliveries still arrive and wait).",
  })
  webhookUrl!: string | null;

  @Field(() => Boolean, { description: "A hook secret is stored: Bob's webhooks are accepted." })
  realTimeUpdates!: boolean;

  @Field(() => SyncSettings)
  settings!: SyncSettings;

  @Field(() => [IntegrationWarning], {
    description:
      "What the admin should fix in Bob, e.g. fields the credential cannot see (found at connect and by every full sync).",
  })
  warnings!: IntegrationWarning[];

  @Field(() => String, {
    nullable: true,
    description:
      "Shown once: the secret that signs notifications (X-Gateway-Signature: sha256=<hex HMAC-SHA256 of the raw body>), only in the answer of the updateSyncSettings call that set a new notificationUrl; null everywhere else. Store it at the receiver.",
  })
  notificationSecret!: string | null;
}

@InputType()
export class UpdateSyncSettingsInput {
  @Field(() => Int, { nullable: true, description: "1 to 100." })
  deletionSafeguardPercent?: number | null;

  @Field(() => Int, { nullable: true, description: "1 to 168, or null to turn reconciliation off." })
  reconcileEveryHours?: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      "An IANA time zone name such as Europe/Copenhagen (at most 64 characters); anything else is BAD_USER_INPUT.",
  })
  timeZone?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'An absolute https:// URL (http:// allowed outside production), at most 2,000 characters, not an internal address; "" turns notifications off. A new URL returns a new signing secret once (Integration.notificationSecret).',
  })
  notificationUrl?: string | null;
}

@InputType({ description: "Legacy Bob API access token: accessToken alone. Bob service user: serviceUserId too." })
export class ConnectIntegrationInput {
  @Field(() => String, { description: "The token Bob showed (at most 4 KiB)." })
  accessToken!: string;

  @Field(() => String, { nullable: true, description: "The service user's ID; omit for a legacy API access token." })
  serviceUserId?: string | null;
}
