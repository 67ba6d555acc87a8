import express from 'express';
import type { Logger } from '@optic/domain';
import type {
  ErrorRequestHandler,
  Request,
  RequestHandler,
  Response,
} from 'express';

import type { FaultScript, ScriptedResponse } from './fault-script';
import { jsonBody, UnreadableBodyError } from './json-body';
import type { RequestHolder } from './request-holder';
import type { SandboxSettings } from './sandbox-settings';
import type { SandboxStats } from './sandbox-stats';
import { octopushRefusal } from './send-outcome';
import type { SendOutcome } from './send-outcome';
import type { SmsCampaignSender } from './sms-campaign-sender';

/** The Octopush v1 send endpoint. */
export const SEND_SMS_PATH = '/v1/public/sms-campaign/send';

/** The account the sandbox accepts in `api-login` and `api-key`. */
export interface SandboxCredentials {
  login: string;
  apiKey: string;
}

export interface SendSmsRouteDeps {
  credentials: SandboxCredentials;
  settings: SandboxSettings;
  script: FaultScript;
  stats: SandboxStats;
  holder: RequestHolder;
  sender: SmsCampaignSender;
  logger: Logger;
}

const SERVER_ERROR_MESSAGES = {
  500: 'Internal server error',
  502: 'Bad gateway',
  503: 'Service unavailable',
} as const;

/** Mounts the send endpoint: latency, script, credentials, then the body. */
export function sendSmsRouter(deps: SendSmsRouteDeps): express.Router {
  const router = express.Router();
  const answer = (res: Response, outcome: SendOutcome) =>
    reply(deps, res, outcome);

  const send: RequestHandler = (req, res) => {
    answer(res, deps.sender.send(req.body));
  };

  // A body that cannot be read is, for Octopush, no request at all.
  const failed: ErrorRequestHandler = (error, _req, res, _next) => {
    if (error instanceof UnreadableBodyError) {
      return answer(res, octopushRefusal(100));
    }

    deps.logger.error('send request failed', { error: String(error) });
    answer(res, serverError(500));
  };

  router.post(SEND_SMS_PATH, gate(deps), jsonBody(2 * 1024 * 1024), send);
  router.use(SEND_SMS_PATH, failed);

  return router;
}

function gate(deps: SendSmsRouteDeps): RequestHandler {
  return async (req, res, next) => {
    deps.stats.countRequest();

    if (!(await deps.holder.wait(res, deps.settings.latencyMs))) return;

    const scripted = deps.script.next();

    if (scripted !== undefined) return playScripted(deps, res, scripted);
    if (!hasCredentials(req, deps.credentials)) {
      return reply(deps, res, octopushRefusal(101));
    }

    next();
  };
}

function hasCredentials(
  req: Request,
  credentials: SandboxCredentials,
): boolean {
  return (
    req.get('api-login') === credentials.login &&
    req.get('api-key') === credentials.apiKey
  );
}

function playScripted(
  deps: SendSmsRouteDeps,
  res: Response,
  scripted: ScriptedResponse,
): void {
  if (scripted.type === 'timeout') {
    deps.stats.countRejected('timeout');
    deps.holder.holdOpen(res);

    return;
  }

  reply(deps, res, scriptedOutcome(scripted));
}

function scriptedOutcome(
  scripted: Exclude<ScriptedResponse, { type: 'timeout' }>,
): SendOutcome {
  switch (scripted.type) {
    case 'http':
      return serverError(scripted.status);
    case 'rate-limit':
      return {
        httpStatus: 429,
        body: { code: 429, message: 'Too many requests' },
        statKey: '429',
        headers: { 'Retry-After': String(scripted.retryAfterSeconds) },
      };
    case 'invalid-number':
      return octopushRefusal(117);
  }
}

function serverError(status: keyof typeof SERVER_ERROR_MESSAGES): SendOutcome {
  return {
    httpStatus: status,
    body: { code: status, message: SERVER_ERROR_MESSAGES[status] },
    statKey: String(status),
  };
}

function reply(
  deps: SendSmsRouteDeps,
  res: Response,
  outcome: SendOutcome,
): void {
  if (outcome.statKey === null) deps.stats.countAccepted();
  else deps.stats.countRejected(outcome.statKey);

  // Written directly: res.json's extra steps cost throughput on this path.
  res.writeHead(outcome.httpStatus, {
    'content-type': 'application/json; charset=utf-8',
    ...outcome.headers,
  });
  res.end(JSON.stringify(outcome.body));
}
