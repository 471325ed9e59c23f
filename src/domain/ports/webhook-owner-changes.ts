/**
 * Told, once it is stored, that a company's webhook key or hook secret changed (a new secret,
 * a disconnect, a rotated URL): whoever keeps a copy of the old ones (the webhook intake's owner
 * cache) must stop trusting it at once.
 */
export interface WebhookOwnerChanges {
  changed(companyId: string): void;
}
