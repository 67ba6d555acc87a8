import express from 'express';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { z } from 'zod';

import { scriptRequestSchema } from './fault-script';
import type { ScriptedResponse } from './fault-script';
import { inboundReplySchema } from './inbound-forwarder';
import type { InboundReply, InboundResult } from './inbound-forwarder';
import type { MessageFilter, SentMessage } from './message-store';
import { sandboxConfigPatchSchema } from './sandbox-config';
import type { SandboxConfig, SandboxConfigPatch } from './sandbox-config';
import type { SandboxStatsSnapshot } from './sandbox-stats';

/** The prefix of the control API, which Octopush does not have. */
export const CONTROL_PREFIX = '/_sandbox';

/** What the control API can do; the sandbox offers the same in process. */
export interface SandboxControl {
  config(): SandboxConfig;
  configure(patch: SandboxConfigPatch): SandboxConfig;
  script(responses: readonly ScriptedResponse[]): number;
  messages(filter?: MessageFilter): SentMessage[];
  stats(): SandboxStatsSnapshot;
  reset(): void;
  inbound(reply: InboundReply): InboundResult;
}

const messagesQuerySchema = z.object({
  request_id: z.string().optional(),
  number: z.string().optional(),
});

/** Mounts `/_sandbox/*`. */
export function sandboxControlRouter(control: SandboxControl): express.Router {
  const router = express.Router();

  router.use(CONTROL_PREFIX, express.json());
  router.get(`${CONTROL_PREFIX}/config`, (_req, res) => {
    res.json(control.config());
  });
  router.put(`${CONTROL_PREFIX}/config`, configure(control));
  router.post(`${CONTROL_PREFIX}/script`, script(control));
  router.get(`${CONTROL_PREFIX}/messages`, messages(control));
  router.get(`${CONTROL_PREFIX}/stats`, (_req, res) => {
    res.json(control.stats());
  });
  router.post(`${CONTROL_PREFIX}/reset`, (_req, res) => {
    control.reset();
    res.status(204).end();
  });
  router.post(`${CONTROL_PREFIX}/inbound`, inbound(control));
  router.use(CONTROL_PREFIX, unreadableBody);

  return router;
}

function configure(control: SandboxControl): RequestHandler {
  return (req, res) => {
    const patch = sandboxConfigPatchSchema.safeParse(req.body);

    if (!patch.success) return invalid(res, patch.error);

    res.json(control.configure(patch.data));
  };
}

function script(control: SandboxControl): RequestHandler {
  return (req, res) => {
    const body = scriptRequestSchema.safeParse(req.body);

    if (!body.success) return invalid(res, body.error);

    res.json({ pending: control.script(body.data.responses) });
  };
}

function messages(control: SandboxControl): RequestHandler {
  return (req, res) => {
    const query = messagesQuerySchema.safeParse(req.query);

    if (!query.success) return invalid(res, query.error);

    const { request_id: requestId, number } = query.data;
    const found = control.messages({ requestId, number });

    res.json({ count: found.length, messages: found });
  };
}

function inbound(control: SandboxControl): RequestHandler {
  return (req, res) => {
    const reply = inboundReplySchema.safeParse(req.body);

    if (!reply.success) return invalid(res, reply.error);

    res.status(202).json(control.inbound(reply.data));
  };
}

function invalid(res: Response, error: z.ZodError): void {
  const issues = error.issues.flatMap(describeIssue);

  res.status(400).json({ message: 'Invalid control request', issues });
}

// Zod reports unknown fields on their parent; callers want each one named.
function describeIssue(issue: z.core.$ZodIssue) {
  if (issue.code !== 'unrecognized_keys') {
    return [{ path: issue.path.join('.'), message: issue.message }];
  }

  return issue.keys.map((key) => ({
    path: [...issue.path, key].join('.'),
    message: 'Unknown field',
  }));
}

// body-parser marks its own failures with a 4xx status.
const unreadableBody: ErrorRequestHandler = (
  error: unknown,
  _req,
  res,
  _next,
) => {
  const status = clientErrorStatus(error) ?? 500;
  const message = status < 500 ? 'Unreadable body' : 'Internal error';

  res.status(status).json({ message, issues: [] });
};

function clientErrorStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('status' in error)) {
    return undefined;
  }

  const { status } = error;

  return typeof status === 'number' && status < 500 ? status : undefined;
}
