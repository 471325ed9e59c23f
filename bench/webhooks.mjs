// ==== WEBHOOKS: placeholder, to be filled in ====================================================
// POST /webhooks/bob/:webhookKey with an HMAC-SHA512 `Bob-Signature`, answering 202. When written,
// this should: setHookSecret for a connected company, sign simulator-style v2 events with
// bobSignature() (dist/src/bob-simulator/index.js), post them under load (autocannon or fetch),
// and measure the 202 latency plus the time until the change is visible through `employee(bobId)`.

/** True when the running gateway's schema has the setHookSecret mutation (introspection). */
export async function webhooksAvailable(url, token) {
  const res = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query: '{ __type(name: "Mutation") { fields { name } } }' }) });
  const body = await res.json().catch(() => null);
  return Boolean(body?.data?.__type?.fields?.some((f) => f.name === "setHookSecret"));
}

export async function benchWebhooks({ url, token }) {
  if (!(await webhooksAvailable(url, token))) return { skipped: "webhooks: not available yet" };
  return { skipped: "webhooks: setHookSecret is in the schema, but this benchmark is not written yet (bench/webhooks.mjs)" };
}
