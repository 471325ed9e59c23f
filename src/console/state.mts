/** The signed-in session (token in sessionStorage only) and the shared state the panels watch. */
import type { Integration, Progress } from "./types.mjs";

const TOKEN_KEY = "bob-console.token";

export interface Claims {
  readonly sub?: string;
  readonly companyId?: string;
  readonly role?: string;
  readonly exp?: number;
}

/** Reads a JWT's payload. No verification: the gateway verifies every call. */
export function decodeClaims(token: string): Claims | null {
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    const base64 = part
      .replace(/-/g, "+")
      .replace(/_/g, "/")
      .padEnd(Math.ceil(part.length / 4) * 4, "=");
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return claims && typeof claims === "object" ? (claims as Claims) : null;
  } catch {
    return null;
  }
}

export const session = {
  token(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  claims(): Claims | null {
    const token = session.token();
    return token ? decodeClaims(token) : null;
  },
  signIn(token: string): void {
    sessionStorage.setItem(TOKEN_KEY, token.trim());
  },
  signOut(): void {
    sessionStorage.removeItem(TOKEN_KEY);
  },
  /** `#token=<jwt>` in the address: keep it for this tab and take it out of the address bar. */
  takeTokenFromFragment(): void {
    const params = new URLSearchParams(location.hash.replace(/^#/, ""));
    const token = params.get("token");
    if (!token) return;
    session.signIn(token);
    history.replaceState(null, "", `${location.pathname}${location.search}`);
  },
};

type Topic = "integration" | "progress" | "runs";

/** What more than one panel shows: the integration and the progress of the run being watched. */
class Store {
  integration: Integration | null = null;
  progress: Progress | null = null;
  private readonly listeners = new Map<Topic, Set<() => void>>();

  on(topic: Topic, listener: () => void): void {
    if (!this.listeners.has(topic)) this.listeners.set(topic, new Set());
    this.listeners.get(topic)?.add(listener);
  }

  emit(topic: Topic): void {
    for (const listener of this.listeners.get(topic) ?? []) listener();
  }

  setIntegration(integration: Integration): void {
    this.integration = integration;
    this.emit("integration");
  }

  setProgress(progress: Progress | null): void {
    this.progress = progress;
    this.emit("progress");
  }

  /** Sign out: forget the company's state and the listeners of the panels that showed it. */
  reset(): void {
    this.integration = null;
    this.progress = null;
    this.listeners.clear();
  }
}

export const store = new Store();
