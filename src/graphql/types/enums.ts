import { registerEnumType } from "type-graphql";

export enum IntegrationStatus {
  NOT_ENABLED = "NOT_ENABLED",
  DISCONNECTED = "DISCONNECTED",
  CONNECTED = "CONNECTED",
  NEEDS_RECONNECT = "NEEDS_RECONNECT",
}
registerEnumType(IntegrationStatus, {
  name: "IntegrationStatus",
  valuesConfig: {
    NOT_ENABLED: { description: "Support has not enabled the feature for this company." },
    DISCONNECTED: { description: "Enabled, no credential stored." },
    CONNECTED: { description: "A verified Bob credential is stored." },
    NEEDS_RECONNECT: {
      description:
        "Bob refused the stored credential (401/403) during a sync or webhook application; syncs and applications pause until an admin connects again.",
    },
  },
});

export enum CredentialKind {
  ACCESS_TOKEN = "ACCESS_TOKEN",
  SERVICE_USER = "SERVICE_USER",
}
registerEnumType(CredentialKind, {
  name: "CredentialKind",
  valuesConfig: {
    ACCESS_TOKEN: { description: "Legacy Bob API access token, sent as the raw Authorization header." },
    SERVICE_USER: { description: "Bob service user id + token, sent as HTTP Basic." },
  },
});

export enum AttributeType {
  TEXT = "TEXT",
  OPTION = "OPTION",
  NUMBER = "NUMBER",
  DATE = "DATE",
  EMPLOYEE = "EMPLOYEE",
}
registerEnumType(AttributeType, { name: "AttributeType", description: "Type of a Peakon attribute's values." });
