export * from './sms/sms-provider';
export * from './sms/octopush-sms-provider';
export * from './sms/octopush-errors';
export * from './email/email-body-sanitizer';
export * from './email/email-layout';
export * from './email/email-sender';
export * from './email/smtp-errors';
export * from './storage/document-store';
