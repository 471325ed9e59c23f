/** Connect (or reconnect) Bob: a legacy API access token, or a service user's ID and token. */
import { gql } from "../api.mjs";
import { busy, h, notice, replace } from "../dom.mjs";
import { explain } from "../messages.mjs";
import { store } from "../state.mjs";
import { ConnectIntegrationDocument, type ConnectIntegrationInput } from "../generated/graphql.mjs";

export function createConnectForm(options: { submitLabel: string; onDone?: () => void }): HTMLFormElement {
  const token = h("input", {
    id: "connect-token",
    name: "accessToken",
    type: "password",
    required: true,
    autocomplete: "off",
    spellcheck: "false",
    "data-testid": "connect-token",
  });
  const serviceUser = h("input", {
    id: "connect-service-user",
    name: "serviceUserId",
    type: "text",
    autocomplete: "off",
    spellcheck: "false",
    "data-testid": "connect-service-user",
  });
  const submit = h(
    "button",
    { type: "submit", class: "primary", "data-testid": "connect-submit" },
    options.submitLabel,
  );
  const message = h("div", { "aria-live": "polite" });
  const form = h(
    "form",
    { class: "stack", "data-testid": "connect-form" },
    h(
      "div",
      { class: "field" },
      h("label", { for: "connect-token" }, "Access token"),
      token,
      h(
        "small",
        { class: "muted" },
        "A service user's token (Bob: Settings > Integrations > Service users), or a legacy API access token with “Full employee read” and “Employee fields read”.",
      ),
    ),
    h(
      "div",
      { class: "field" },
      h("label", { for: "connect-service-user" }, "Service user ID ", h("span", { class: "muted" }, "(optional)")),
      serviceUser,
      h("small", { class: "muted" }, "Leave empty for a legacy API access token."),
    ),
    h("div", { class: "actions" }, submit),
    message,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    replace(message);
    void busy(submit, async () => {
      try {
        const input: ConnectIntegrationInput = { accessToken: token.value.trim() };
        if (serviceUser.value.trim()) input["serviceUserId"] = serviceUser.value.trim();
        const { connectIntegration } = await gql(ConnectIntegrationDocument, { i: input });
        form.reset();
        store.setIntegration(connectIntegration);
        options.onDone?.();
      } catch (error) {
        replace(message, notice("error", explain(error), "connect-error"));
      }
    });
  });
  return form;
}
