import { randomUUID } from "node:crypto";
import type { NextFunction, Request, Response } from "express";

const SAFE_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Every request gets an id (the caller's X-Request-Id when sane), echoed back and logged. */
export function requestId(req: Request, res: Response, next: NextFunction): void {
  const given = req.header("x-request-id");
  const id = given && SAFE_ID.test(given) ? given : randomUUID();
  res.locals.requestId = id;
  res.setHeader("X-Request-Id", id);
  next();
}

export function requestIdOf(res: Response): string {
  return String(res.locals.requestId ?? "unknown");
}
