/**
 * Prints a caller token signed with the gateway's JWT secret (JWT_SECRET, or the development
 * secret kept in the data directory).
 * Usage: npm run token -- --company acme --role ADMIN [--sub alice] [--expires 12h]
 * --expires may not exceed JWT_MAX_AGE (default 24h); --company is 1-128 of A-Z a-z 0-9 . _ -.
 */
import { parseArgs } from "node:util";
import { COMPANY_ID_PATTERN, CallerTokens } from "../auth/caller-tokens.js";
import { ConfigError, loadConfig } from "../config/config.js";
import { resolveSecrets } from "../config/secrets.js";
import { ROLES, type Role } from "../domain/caller.js";

const { values } = parseArgs({
  options: {
    company: { type: "string" },
    role: { type: "string", default: "ADMIN" },
    sub: { type: "string", default: "cli" },
    expires: { type: "string", default: "12h" },
  },
});

try {
  if (!values.company)
    throw new ConfigError("--company is required, e.g. npm run token -- --company acme --role ADMIN");
  const role = values.role.toUpperCase();
  if (!COMPANY_ID_PATTERN.test(values.company))
    throw new ConfigError("--company must be 1-128 characters of A-Z a-z 0-9 . _ - (any other company id is refused).");
  if (!ROLES.includes(role as Role)) throw new ConfigError(`--role must be one of ${ROLES.join(", ")}.`);
  const config = loadConfig();
  const { secrets } = await resolveSecrets(config);
  const token = await new CallerTokens(secrets.jwtSecret, { maxAgeSeconds: config.jwtMaxAgeSeconds }).mint({
    subject: values.sub,
    companyId: values.company,
    role: role as Role,
    expiresIn: values.expires,
  });
  process.stdout.write(`${token}\n`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
