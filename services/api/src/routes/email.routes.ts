import { Router } from 'express';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { normalizeEmail } from '@optic/domain';
import { Shop, Template, Visit } from '@optic/db';
import type { ShopSmtpTlsMode } from '@optic/db';
import { renderEmail } from '@optic/delivery';
import { EmailLayout, EmailSender } from '@optic/providers';
import type { SmtpSettings } from '@optic/providers';
import type { ApiContext } from '../api-context';
import type { OperationSpec } from '../openapi/operation-spec';
import { ApiProblem } from '../http/problem';
import { parse } from '../http/validate';
import { findClient } from './clients.routes';
import {
  allowedSmtpServer,
  emailSubject,
  refuseUnsafeHtml,
  UNREACHABLE_SMTP,
  verificationShown,
} from './email-checks';
import { loadShop, shopOf } from './shop-scope';
import { refuseUnknownFields } from './templates.routes';

const address = z
  .string()
  .trim()
  .max(254)
  .refine((value) => normalizeEmail(value).ok, 'not an e-mail address');

const hostName = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i,
    'a host name or IPv4 address, without scheme or port',
  );

const smtpServer = z.strictObject({
  host: hostName,
  port: z.number().int().min(1).max(65535),
  tlsMode: z.enum(['tls', 'starttls', 'none']),
  user: z.string().min(1).max(320).nullable().optional(),
  /** Omitted: keep the stored one; null: remove it. */
  password: z.string().min(1).max(500).nullable().optional(),
});

type SmtpServerInput = z.infer<typeof smtpServer>;

const emailSettings = z.strictObject({
  fromAddress: address.nullable().optional(),
  fromName: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[^\r\n]*$/, 'one line')
    .nullable()
    .optional(),
  smtp: smtpServer.nullable().optional(),
  copy: z
    .strictObject({
      policy: z.enum(['none', 'cc', 'bcc']),
      address: address.optional(),
    })
    .refine((c) => c.policy === 'none' || c.address, {
      path: ['address'],
      message: 'required for a copy in cc or bcc',
    })
    .optional(),
});

const verifyRequest = z
  .strictObject({ smtp: smtpServer.optional() })
  .default({});

const previewRequest = z
  .strictObject({
    templateId: z.uuid().optional(),
    subject: emailSubject.optional(),
    body: z.string().min(1).max(100_000).optional(),
    kind: z.enum(['transactional', 'marketing']).optional(),
    clientId: z.uuid().optional(),
    visitId: z.uuid().optional(),
  })
  .refine((r) => (r.templateId === undefined) !== (r.body === undefined), {
    path: ['body'],
    message: 'give either body (with subject) or templateId',
  })
  .refine((r) => r.templateId !== undefined || r.subject !== undefined, {
    path: ['subject'],
    message: 'required with a body',
  });

type PreviewRequest = z.infer<typeof previewRequest>;

export function emailRoutes(context: ApiContext): Router {
  const router = Router();
  const scoped = loadShop(context);
  const base = '/v1/shops/:shopId/email';

  router.post(`${base}/preview`, scoped, previewHandler(context));
  router.get(`${base}/settings`, scoped, (_req, res) => {
    res.json(emailSettingsView(shopOf(res)));
  });
  router.patch(`${base}/settings`, scoped, async (req, res) => {
    const shop = shopOf(res);
    const input = parse(emailSettings, req.body);
    const changes = settingsColumns(context, shop, input);
    if (input.smtp) await refuseServerOnSave(context, input.smtp, changes);

    await context.dataSource.manager.update(Shop, { id: shop.id }, changes);
    const saved = await context.dataSource.manager.findOneByOrFail(Shop, {
      id: shop.id,
    });
    res.json(emailSettingsView(saved));
  });
  router.post(`${base}/settings/verify`, scoped, verifyHandler(context));
  return router;
}

/** What the client would get: subject, HTML and text, as the worker renders. */
function previewHandler(context: ApiContext): RequestHandler {
  const layout = new EmailLayout();
  const previewLink = `${context.email.publicBaseUrl.replace(/\/+$/, '')}/v1/unsubscribe/preview`;

  return async (req, res) => {
    const shop = shopOf(res);
    const input = parse(previewRequest, req.body);
    const source = await previewSource(context, shop, input);
    const { client, visit } = await recipientOf(context, shop, input);

    const rendered = await renderEmail(layout, {
      ...source,
      shop,
      client,
      visit,
      unsubscribeUrl: source.kind === 'marketing' ? previewLink : null,
    });
    res.json({ kind: source.kind, ...rendered });
  };
}

/** Connects with the stored (or given) settings; says what the server said. */
function verifyHandler(context: ApiContext): RequestHandler {
  // Each check opens one connection and closes it: no pool to keep.
  const sender = new EmailSender({
    logger: context.logger,
    debug: context.email.smtpDebug,
  });

  return async (req, res) => {
    const shop = shopOf(res);
    const input = parse(verifyRequest, req.body);
    const settings = input.smtp
      ? smtpSettingsOf(context, shop, input.smtp)
      : storedSmtpSettings(context, shop);

    const policy = privateSmtpHostsOf(context);
    const reachable = await allowedSmtpServer(policy, settings);
    const result = reachable
      ? verificationShown(policy, await sender.verify(reachable))
      : UNREACHABLE_SMTP;
    res.json({
      host: settings.host,
      port: settings.port,
      tlsMode: settings.tlsMode,
      ...result,
    });
  };
}

/** The platform's policy on shops' servers at internal addresses. */
function privateSmtpHostsOf(context: ApiContext) {
  return context.email.privateSmtpHosts ?? 'deny';
}

/**
 * A server saved under `deny` must be public and get no password in
 * clear; a name that does not resolve yet is saved, and checked again at
 * each send.
 */
async function refuseServerOnSave(
  context: ApiContext,
  smtp: SmtpServerInput,
  changes: Partial<Shop>,
): Promise<void> {
  await allowedSmtpServer(privateSmtpHostsOf(context), {
    host: smtp.host,
    port: smtp.port,
    tlsMode: smtp.tlsMode,
    // Only whether a password goes with it matters here: its sealed form.
    password: changes.smtpPasswordEnc,
  });
}

/** The e-mail settings as the API shows them: the password never. */
export function emailSettingsView(shop: Shop): Record<string, unknown> {
  return {
    fromAddress: shop.emailFromAddress,
    fromName: shop.emailFromName,
    smtp: shop.smtpHost
      ? {
          host: shop.smtpHost,
          port: shop.smtpPort,
          tlsMode: shop.smtpTlsMode,
          user: shop.smtpUser,
          passwordSet: shop.smtpPasswordEnc !== null,
        }
      : null,
    copy: { policy: shop.copyPolicy, address: shop.copyAddress },
  };
}

function settingsColumns(
  context: ApiContext,
  shop: Shop,
  input: z.infer<typeof emailSettings>,
): Partial<Shop> {
  const changes: Partial<Shop> = { updatedAt: context.clock.now() };
  if (input.fromAddress !== undefined) {
    changes.emailFromAddress = normalized(input.fromAddress);
  }
  if (input.fromName !== undefined) changes.emailFromName = input.fromName;
  if (input.copy) {
    changes.copyPolicy = input.copy.policy;
    changes.copyAddress =
      input.copy.policy === 'none' ? null : normalized(input.copy.address!);
  }
  if (input.smtp !== undefined) {
    Object.assign(changes, smtpColumns(context, shop, input.smtp));
  }
  return changes;
}

function smtpColumns(
  context: ApiContext,
  shop: Shop,
  smtp: SmtpServerInput | null,
): Partial<Shop> {
  if (smtp === null) {
    return {
      smtpHost: null,
      smtpPort: null,
      smtpTlsMode: 'starttls',
      smtpSecure: false,
      smtpUser: null,
      smtpPasswordEnc: null,
    };
  }
  return {
    smtpHost: smtp.host.toLowerCase(),
    smtpPort: smtp.port,
    smtpTlsMode: smtp.tlsMode,
    smtpSecure: smtp.tlsMode === 'tls',
    smtpUser: smtp.user ?? null,
    smtpPasswordEnc:
      smtp.password === undefined
        ? keptPassword(shop, smtp)
        : smtp.password && sealer(context).seal(smtp.password),
  };
}

/**
 * The stored password goes only to the server it was given for: another
 * host, port, TLS mode or user needs it typed again (so it can never be
 * sent elsewhere, or in clear where it was encrypted).
 */
function keptPassword(shop: Shop, smtp: SmtpServerInput): string | null {
  if (!shop.smtpPasswordEnc || !smtp.user) return null;
  const sameServer =
    shop.smtpHost === smtp.host.toLowerCase() &&
    shop.smtpPort === smtp.port &&
    shop.smtpTlsMode === smtp.tlsMode &&
    shop.smtpUser === smtp.user;
  if (sameServer) return shop.smtpPasswordEnc;

  throw ApiProblem.validation([
    {
      path: 'smtp.password',
      message:
        'required when the host, port, TLS mode or user changes: the stored password is never sent to another server',
    },
  ]);
}

/** Settings given in a verify request, the stored password by default. */
function smtpSettingsOf(
  context: ApiContext,
  shop: Shop,
  smtp: SmtpServerInput,
): SmtpSettings & { tlsMode: ShopSmtpTlsMode } {
  const password =
    smtp.password === undefined
      ? keptPassword(shop, smtp) && storedPassword(context, shop)
      : smtp.password;
  return {
    host: smtp.host,
    port: smtp.port,
    tlsMode: smtp.tlsMode,
    user: smtp.user ?? null,
    password,
  };
}

function storedSmtpSettings(
  context: ApiContext,
  shop: Shop,
): SmtpSettings & { tlsMode: ShopSmtpTlsMode } {
  if (!shop.smtpHost) {
    throw new ApiProblem(
      409,
      'no_smtp_server',
      "the shop has no SMTP server of its own (it sends through the platform's relay): give one in smtp",
      [{ path: 'smtp', message: 'required: the shop has no server saved' }],
    );
  }
  return {
    host: shop.smtpHost,
    port: shop.smtpPort ?? 587,
    tlsMode: shop.smtpTlsMode,
    user: shop.smtpUser,
    password: storedPassword(context, shop),
  };
}

function storedPassword(context: ApiContext, shop: Shop): string | null {
  if (!shop.smtpPasswordEnc) return null;
  try {
    return sealer(context).open(shop.smtpPasswordEnc);
  } catch {
    throw new ApiProblem(
      409,
      'secret_unreadable',
      "the stored SMTP password cannot be opened with this API's SECRET_KEY: give it again",
      [{ path: 'smtp.password', message: 'give the password again' }],
    );
  }
}

function sealer(context: ApiContext) {
  if (context.secrets) return context.secrets;
  throw new ApiProblem(
    409,
    'secrets_disabled',
    'SMTP passwords cannot be stored: the platform has no SECRET_KEY',
    [{ path: 'smtp.password', message: 'cannot be stored without SECRET_KEY' }],
  );
}

function normalized(value: string | null): string | null {
  if (value === null) return null;
  const result = normalizeEmail(value);
  return result.ok ? result.address : value;
}

async function previewSource(
  context: ApiContext,
  shop: Shop,
  input: PreviewRequest,
): Promise<{
  subject: string;
  body: string;
  kind: 'transactional' | 'marketing';
}> {
  if (input.body !== undefined) {
    refuseUnsafeHtml('body', input.body);
    refuseUnknownFields({ subject: input.subject, body: input.body });
    return {
      subject: input.subject!,
      body: input.body,
      kind: input.kind ?? 'transactional',
    };
  }

  const template = await context.dataSource.manager.findOneBy(Template, {
    id: input.templateId!,
    shopId: shop.id,
  });
  if (!template) {
    throw ApiProblem.unprocessable(
      'templateId',
      'unknown template of this shop',
    );
  }
  if (template.channel !== 'email') {
    throw ApiProblem.unprocessable(
      'templateId',
      'an SMS template cannot be previewed as an e-mail',
    );
  }
  return {
    subject: input.subject ?? template.subject ?? '',
    body: template.body,
    kind: input.kind ?? template.kind,
  };
}

async function recipientOf(
  context: ApiContext,
  shop: Shop,
  input: PreviewRequest,
) {
  const client = input.clientId
    ? await findClient(context, shop.id, input.clientId)
    : null;
  if (input.clientId && !client) {
    throw ApiProblem.unprocessable('clientId', 'unknown client of this shop');
  }
  const visit =
    input.visitId && client
      ? await context.dataSource.manager.findOneBy(Visit, {
          id: input.visitId,
          clientId: client.id,
        })
      : null;
  if (input.visitId && !visit) {
    throw ApiProblem.unprocessable('visitId', 'unknown visit of this client');
  }
  return { client, visit };
}

const EMAIL = '/v1/shops/:shopId/email';

/** What `/openapi.json` says of these routes. */
export const emailOperations: OperationSpec[] = [
  {
    method: 'POST',
    path: `${EMAIL}/preview`,
    tag: 'E-mail',
    summary: 'Subject, HTML and text of an e-mail, as the client would get it',
    body: previewRequest,
    answers: [{ description: 'The rendered e-mail' }],
    problems: [422],
  },
  {
    method: 'GET',
    path: `${EMAIL}/settings`,
    tag: 'E-mail',
    summary: 'Sender, SMTP server (never its password) and copy policy',
    answers: [{ description: 'The settings' }],
  },
  {
    method: 'PATCH',
    path: `${EMAIL}/settings`,
    tag: 'E-mail',
    summary: 'Change the sender, the SMTP server or the copy policy',
    body: emailSettings,
    answers: [{ description: 'The settings' }],
    problems: [409, 422],
  },
  {
    method: 'POST',
    path: `${EMAIL}/settings/verify`,
    tag: 'E-mail',
    summary:
      'Connect to the SMTP server (given, or saved) and say what it said',
    body: verifyRequest,
    answers: [{ description: "The server's answer" }],
    problems: [409, 422],
  },
];
