/**
 * Told, once it is stored, that a company's webhook key or hook secret changed (a new secret,
 * a disconnect or a rotated URL): whoever keeps a copy of the old ones (the webhook intake's owner
 * cache, in this replica and, on PostgreSQL, in every other) must stop trusting it at once.
 */
export interface WebhookOwnerChanges {
  /** Resolves once every replica that must hear of the change has been told (or telling failed). */
  changed(companyId: string): void | Promise<void>;
  /** Changes may have gone unheard (the news from other replicas was cut off): trust no copy. */
  anyMayHaveChanged(): void;
}
